package io.bess.wsms.config;

import java.util.ArrayList;
import java.util.List;

/**
 * One Redis server or Sentinel, as {@code host:port}.
 *
 * @param host host name or IP address (an IPv6 address without brackets)
 * @param port TCP port
 */
public record RedisAddress(String host, int port) {
    /**
     * Parses a comma-separated list of {@code host:port} ({@code [::1]:6379} for IPv6).
     *
     * @param raw     the list as given
     * @param setting how the user knows the setting, for the error message
     * @return the addresses, in the order given, without repeats
     * @throws SettingsException naming the setting when an item does not parse or the list is empty
     */
    static List<RedisAddress> parseList(String raw, String setting) {
        List<RedisAddress> addresses = new ArrayList<>();
        for (String item : raw.split(",")) {
            if (item.isBlank()) {
                continue;
            }
            RedisAddress address = parse(item.trim(), setting);
            if (!addresses.contains(address)) {
                addresses.add(address);
            }
        }
        if (addresses.isEmpty()) {
            throw new SettingsException(setting + " must list at least one host:port, got '" + raw + "'.");
        }
        return List.copyOf(addresses);
    }

    private static RedisAddress parse(String item, String setting) {
        int colon = item.lastIndexOf(':');
        String host = colon < 0 ? "" : item.substring(0, colon);
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        String portText = colon < 0 ? "" : item.substring(colon + 1);
        int port = -1;
        if (!portText.isEmpty() && portText.length() <= 5 && portText.chars().allMatch(Character::isDigit)) {
            port = Integer.parseInt(portText);
        }
        if (host.isEmpty() || host.contains(" ") || port < 1 || port > 65_535) {
            throw new SettingsException(setting + " must be a comma-separated list of host:port (port 1-65535),"
                                                + " got '" + item + "'.");
        }
        return new RedisAddress(host, port);
    }

    @Override
    public String toString() {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }
}
