package org.offlinereset;

/**
 * The failed opens a machine allows per reset code and per account within one code lifetime
 * (docs/PROTOCOL.md §9.7), each 1 to 1000; carried by the deployment package.
 */
public record AttemptLimits(int failedOpensPerCode, int failedOpensPerAccount) {
    /** 5 per code, 20 per account. */
    public static final AttemptLimits DEFAULT = new AttemptLimits(5, 20);
}
