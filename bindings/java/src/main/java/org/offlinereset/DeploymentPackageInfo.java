package org.offlinereset;

/** The epoch and policy a deployment package carries. */
public record DeploymentPackageInfo(int epoch, Policy policy) {}
