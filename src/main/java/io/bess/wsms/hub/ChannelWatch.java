package io.bess.wsms.hub;

/**
 * What the upstream subscriptions report about each battery's channel, so that held states are trusted only while
 * no update can be missed. Calls for one battery are balanced: every {@link #lost} follows a {@link #confirmed}.
 */
public interface ChannelWatch {
    /** Reports nothing. */
    ChannelWatch NONE = new ChannelWatch() {
        @Override
        public void confirmed(int battery) {
        }

        @Override
        public void lost(int battery) {
        }
    };

    /**
     * A subscription to the battery's channel is confirmed: from now on every publish on it arrives.
     *
     * @param battery battery id
     */
    void confirmed(int battery);

    /**
     * That subscription ended (unsubscribed, or its connection was lost): publishes may be missed.
     *
     * @param battery battery id
     */
    void lost(int battery);
}
