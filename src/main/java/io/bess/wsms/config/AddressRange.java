package io.bess.wsms.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * An IP address or a CIDR block ({@code 10.0.0.7}, {@code 10.0.0.0/8}, {@code fd00::/8}).
 *
 * @param network      the block's first address (host bits cleared)
 * @param prefixLength leading bits that must match: 32 (IPv4) or 128 (IPv6) for a single address
 */
public record AddressRange(InetAddress network, int prefixLength) {
    private static final Pattern IPV4 = Pattern.compile("\\d{1,3}(\\.\\d{1,3}){3}");
    private static final Pattern IPV6 = Pattern.compile("[0-9A-Fa-f:.]+");

    /** Clears the host bits, so that two spellings of one block are equal. */
    public AddressRange {
        byte[] bytes = network.getAddress();
        for (int bit = prefixLength; bit < bytes.length * 8; bit++) {
            bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
        }
        network = fromBytes(bytes);
    }

    /**
     * Parses one item of a list of addresses and blocks.
     *
     * @param text    {@code address} or {@code address/prefix}
     * @param setting how the user knows the setting, for the error message
     * @return the range
     * @throws SettingsException naming the setting when the item is not an IP address or block (host names are
     *                           refused: they would need DNS, at start and on every lookup)
     */
    static AddressRange parse(String text, String setting) {
        int slash = text.indexOf('/');
        Optional<InetAddress> address = literal(slash < 0 ? text : text.substring(0, slash));
        if (address.isPresent()) {
            int bits = address.get().getAddress().length * 8;
            if (slash < 0) {
                return new AddressRange(address.get(), bits);
            }
            String prefix = text.substring(slash + 1);
            if (!prefix.isEmpty() && prefix.length() <= 3 && prefix.chars().allMatch(Character::isDigit)
                    && Integer.parseInt(prefix) <= bits) {
                return new AddressRange(address.get(), Integer.parseInt(prefix));
            }
        }
        throw new SettingsException(setting + " must list IP addresses or CIDR blocks (10.0.0.7, 10.0.0.0/8,"
                                            + " fd00::/8), got '" + text + "'.");
    }

    /**
     * An IP address written as a literal, without any DNS lookup.
     *
     * @param text an IPv4 dotted quad or an IPv6 address (without brackets)
     * @return the address, empty when the text is not one
     */
    public static Optional<InetAddress> literal(String text) {
        if (IPV4.matcher(text).matches()) {
            String[] parts = text.split("\\.");
            byte[] bytes = new byte[4];
            for (int i = 0; i < 4; i++) {
                int part = Integer.parseInt(parts[i]);
                if (part > 255) {
                    return Optional.empty();
                }
                bytes[i] = (byte) part;
            }
            return Optional.of(fromBytes(bytes));
        }
        if (text.indexOf(':') >= 0 && IPV6.matcher(text).matches()) {
            try {
                // a text with a colon is an IPv6 literal to getByName: parsed, never looked up
                InetAddress address = InetAddress.getByName(text);
                return address instanceof Inet6Address || address instanceof Inet4Address
                        ? Optional.of(address) : Optional.empty();
            } catch (UnknownHostException e) {
                return Optional.empty();
            }
        }
        return Optional.empty();
    }

    /**
     * Whether an address lies in this range (an IPv4 address never lies in an IPv6 range, nor the other way round).
     *
     * @param address the address
     * @return whether it matches the first {@link #prefixLength} bits
     */
    public boolean contains(InetAddress address) {
        byte[] mine = network.getAddress();
        byte[] theirs = address.getAddress();
        if (mine.length != theirs.length) {
            return false;
        }
        for (int bit = 0; bit < prefixLength; bit++) {
            int mask = 0x80 >>> (bit % 8);
            if ((mine[bit / 8] & mask) != (theirs[bit / 8] & mask)) {
                return false;
            }
        }
        return true;
    }

    private static InetAddress fromBytes(byte[] bytes) {
        try {
            return InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException("an IP address has 4 or 16 bytes", e);
        }
    }

    @Override
    public String toString() {
        return network.getHostAddress() + "/" + prefixLength;
    }
}
