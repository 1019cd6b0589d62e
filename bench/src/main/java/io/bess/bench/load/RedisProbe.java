package io.bess.bench.load;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A blocking Redis connection of the bench's own (named {@code bench-probe}) that asks Redis what the server under
 * test holds: its connections ({@code CLIENT LIST}), its subscriptions ({@code INFO stats}) and the commands it
 * sent ({@code INFO commandstats}). Used outside the measure window, or once at its end, so its cost stays out of
 * the latency figures.
 */
final class RedisProbe implements AutoCloseable {
    /** The client name the service sets on every Redis connection it opens. */
    static final String SERVICE_CLIENT_NAME = "websocket-server-ms";

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RedisProbe(String host, int port) throws IOException {
        socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 5_000);
        socket.setSoTimeout(30_000);
        socket.setTcpNoDelay(true);
        in = new BufferedInputStream(socket.getInputStream(), 1 << 16);
        out = socket.getOutputStream();
        call("CLIENT", "SETNAME", "bench-probe");
    }

    /** Redis connections by who holds them, from one {@code CLIENT LIST}. */
    record Connections(int service, int servicePubSub, int others, int othersPubSub, int bench, int total) {
        /** The connections of the server under test: the service's by name, else everything not the bench's. */
        int server(Target t) {
            return t.isService() ? service : others;
        }

        int serverPubSub(Target t) {
            return t.isService() ? servicePubSub : othersPubSub;
        }
    }

    /** Counts {@code CLIENT LIST} entries: named {@value #SERVICE_CLIENT_NAME}, the bench's own, and the rest. */
    Connections connections() throws IOException {
        String list = (String) call("CLIENT", "LIST");
        int service = 0;
        int servicePubSub = 0;
        int others = 0;
        int othersPubSub = 0;
        int bench = 0;
        int total = 0;
        for (String line : list.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            total++;
            Map<String, String> f = fields(line);
            String name = f.getOrDefault("name", "");
            boolean pubSub = positive(f.get("sub")) || positive(f.get("psub")) || positive(f.get("ssub"));
            if (name.equals(SERVICE_CLIENT_NAME)) {
                service++;
                servicePubSub += pubSub ? 1 : 0;
            } else if (name.startsWith("bench-")) {
                bench++;
            } else {
                others++;
                othersPubSub += pubSub ? 1 : 0;
            }
        }
        return new Connections(service, servicePubSub, others, othersPubSub, bench, total);
    }

    private static Map<String, String> fields(String line) {
        Map<String, String> f = new HashMap<>();
        for (String kv : line.trim().split(" ")) {
            int eq = kv.indexOf('=');
            if (eq > 0) {
                f.put(kv.substring(0, eq), kv.substring(eq + 1));
            }
        }
        return f;
    }

    private static boolean positive(String v) {
        try {
            return v != null && Long.parseLong(v) > 0;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** One numeric field of {@code INFO section} ({@code connected_clients}, {@code pubsub_channels}); -1 if absent. */
    long info(String section, String field) throws IOException {
        String text = (String) call("INFO", section);
        for (String line : text.split("\r?\n")) {
            if (line.startsWith(field + ":")) {
                try {
                    return Long.parseLong(line.substring(field.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }

    /** Channels (classic and sharded) and patterns subscribed by anyone. */
    long subscriptions() throws IOException {
        String text = (String) call("INFO", "stats");
        long n = 0;
        for (String line : text.split("\r?\n")) {
            if (line.startsWith("pubsub_channels:") || line.startsWith("pubsub_patterns:")
                    || line.startsWith("pubsub_shardchannels:")) {
                n += Long.parseLong(line.substring(line.indexOf(':') + 1).trim());
            }
        }
        return n;
    }

    /** Calls so far of each of the given commands (lower case), summed, from {@code INFO commandstats}. */
    long commandCalls(String... commands) throws IOException {
        String text = (String) call("INFO", "commandstats");
        long n = 0;
        for (String line : text.split("\r?\n")) {
            for (String c : commands) {
                String prefix = "cmdstat_" + c + ":calls=";
                if (line.startsWith(prefix)) {
                    int end = line.indexOf(',', prefix.length());
                    n += Long.parseLong(line.substring(prefix.length(), end < 0 ? line.length() : end));
                }
            }
        }
        return n;
    }

    /** Sends one command and reads its reply: String, Long, List, or null; an error reply throws. */
    Object call(String... args) throws IOException {
        StringBuilder sb = new StringBuilder().append('*').append(args.length).append("\r\n");
        for (String a : args) {
            byte[] b = a.getBytes(StandardCharsets.UTF_8);
            sb.append('$').append(b.length).append("\r\n").append(a).append("\r\n");
        }
        out.write(sb.toString().getBytes(StandardCharsets.UTF_8));
        out.flush();
        return reply();
    }

    private Object reply() throws IOException {
        int type = in.read();
        String line = line();
        return switch (type) {
            case '+' -> line;
            case '-' -> throw new IOException("Redis: " + line);
            case ':' -> Long.parseLong(line);
            case '$' -> {
                int len = Integer.parseInt(line);
                if (len < 0) {
                    yield null;
                }
                byte[] b = in.readNBytes(len + 2);
                if (b.length < len + 2) {
                    throw new EOFException("Redis closed the probe connection");
                }
                yield new String(b, 0, len, StandardCharsets.UTF_8);
            }
            case '*' -> {
                int n = Integer.parseInt(line);
                List<Object> items = new ArrayList<>(Math.max(0, n));
                for (int i = 0; i < n; i++) {
                    items.add(reply());
                }
                yield n < 0 ? null : items;
            }
            case -1 -> throw new EOFException("Redis closed the probe connection");
            default -> throw new IOException("unexpected Redis reply type " + (char) type);
        };
    }

    private String line() throws IOException {
        StringBuilder sb = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new EOFException("Redis closed the probe connection");
            }
            sb.append((char) c);
        }
        in.read(); // '\n'
        return sb.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
