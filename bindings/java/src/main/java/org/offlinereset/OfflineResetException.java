package org.offlinereset;

/**
 * A failure of the offline-reset library: the {@link Status}, the library's message and the details
 * of {@code olr_error_details} (zero when they do not apply).
 *
 * <p>Unchecked, as in most current Java libraries (java.time's DateTimeException, the AWS SDK v2,
 * Jackson 3, jdbi): most failures are bad input the caller reports to a person rather than
 * recovers from locally, checked exceptions do not pass through lambdas and streams, and a
 * caller that wants to act on one status catches this class and switches on {@link #status()}.
 * Every public method documents the statuses it can raise.
 */
public class OfflineResetException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final int statusNumber;
    private final String libraryMessage;
    private final int mistypedGroup;
    private final int codeEpoch;
    private final int currentEpoch;
    private final int foundVersion;

    OfflineResetException(int statusNumber, String libraryMessage, int mistypedGroup, int codeEpoch, int currentEpoch,
            int foundVersion) {
        super(describe(statusNumber, libraryMessage, mistypedGroup, codeEpoch, currentEpoch, foundVersion));
        this.statusNumber = statusNumber;
        this.libraryMessage = libraryMessage;
        this.mistypedGroup = mistypedGroup;
        this.codeEpoch = codeEpoch;
        this.currentEpoch = currentEpoch;
        this.foundVersion = foundVersion;
    }

    private static String describe(int status, String message, int group, int code, int current, int version) {
        StringBuilder b = new StringBuilder(message).append(" (").append(Status.of(status)).append(", status ").append(status);
        if (group != 0) b.append(", mistyped_group=").append(group);
        if (code != 0) b.append(", code_epoch=").append(code);
        if (current != 0) b.append(", current_epoch=").append(current);
        if (version != 0) b.append(", found_version=").append(version);
        return b.append(')').toString();
    }

    /** The status ({@link Status#UNKNOWN} for a number this binding does not know). */
    public Status status() {
        return Status.of(statusNumber);
    }

    /** The status number as the library returned it. */
    public int statusNumber() {
        return statusNumber;
    }

    /** The library's plain-language English message for the status ({@code olr_status_message}). */
    public String libraryMessage() {
        return libraryMessage;
    }

    /** {@link Status#MISTYPED}: the first 1-based group that fails its own check; 0 = the whole-code check. */
    public int mistypedGroup() {
        return mistypedGroup;
    }

    /** The same as {@link #mistypedGroup()}: the group to retype (0: the whole code). */
    public int group() {
        return mistypedGroup;
    }

    /** KEY_ROTATED, CODE_BEFORE_ROTATION, REDEPLOY_NEEDED: the epoch of the code. */
    public int codeEpoch() {
        return codeEpoch;
    }

    /** KEY_ROTATED, CODE_BEFORE_ROTATION, REDEPLOY_NEEDED: the server's or the machine's epoch. */
    public int currentEpoch() {
        return currentEpoch;
    }

    /** UNSUPPORTED_VERSION: the version found. */
    public int foundVersion() {
        return foundVersion;
    }
}
