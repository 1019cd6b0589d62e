package io.bess.wsms.auth;

/** What the {@link Authenticator} made of a presented token: an identity, or a refusal with its reason. */
public sealed interface AuthOutcome {
    /**
     * The token is good.
     *
     * @param identity who the client is and what it may see
     */
    record Granted(Identity identity) implements AuthOutcome {
    }

    /**
     * The token is not accepted.
     *
     * @param reason  why, as a class of refusal
     * @param message one sentence for the client; never echoes the token
     */
    record Refused(Reason reason, String message) implements AuthOutcome {
    }

    /** Classes of refusal, each with the protocol's error code. */
    enum Reason {
        /** No token, or one that is bad, expired, forged or for another subject: 401. */
        UNAUTHORIZED("unauthorized"),
        /** A good token that permits no battery: 403. */
        NO_BATTERIES("no_batteries"),
        /** The identity provider's keys are not known yet: 503. */
        UNAVAILABLE("auth_unavailable");

        private final String code;

        Reason(String code) {
            this.code = code;
        }

        /** The error code of the protocol's JSON error. */
        public String code() {
            return code;
        }
    }
}
