package io.bess.wsms.config;

/**
 * A user mistake in the configuration: its message is one sentence that names the setting.
 */
public final class SettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * Creates the exception.
     *
     * @param message one clear sentence naming the setting and what is wrong with it
     */
    public SettingsException(String message) {
        super(message);
    }
}
