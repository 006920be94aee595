package org.offlinereset;

/** The Argon2id cost of binding a new password: every seal and every open runs Argon2id once. */
public record PasswordCost(int memoryKib, int iterations, int parallelism) {
    /** 64 MiB, 3 passes, 1 lane. */
    public static final PasswordCost DEFAULT = new PasswordCost(65536, 3, 1);
    /** The cheapest cost the protocol allows (19 MiB, 2 passes, 1 lane): for tests. */
    public static final PasswordCost MINIMUM = new PasswordCost(19456, 2, 1);

    /** The cost as Argon2id parameters, for example {@code Argon2id m=65536 KiB, t=3, p=1}. */
    @Override
    public String toString() {
        return "Argon2id m=" + memoryKib + " KiB, t=" + iterations + ", p=" + parallelism;
    }
}
