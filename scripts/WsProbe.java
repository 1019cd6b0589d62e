import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Tiny WebSocket probe for the packaging scripts, JDK only (java.net.http), run as a single-file program.
 *
 * <pre>
 * java scripts/WsProbe.java freeport
 *     prints a free TCP port on 127.0.0.1
 * java scripts/WsProbe.java snapshot ws://127.0.0.1:8001/ws [timeoutSeconds]
 *     connects until the first frame is a snapshot holding at least one battery:N:data entry;
 *     exit 0 and prints the battery count, exit 1 on timeout
 * java scripts/WsProbe.java startup PORT [timeoutSeconds] -- COMMAND [ARGS...]
 *     starts COMMAND, polls ws://127.0.0.1:PORT/ws until the upgrade is accepted, then until a snapshot
 *     with batteries arrives; prints both times in ms from process start and the CPU time the
 *     started process had used when its first WebSocket was accepted (steadier than wall time on a
 *     busy machine), then stops COMMAND (SIGTERM, whole process tree) and waits for it
 * </pre>
 */
public final class WsProbe {

    private static final Pattern BATTERY_KEY = Pattern.compile("\"battery:(\\d+):data\"\\s*:\\s*\\{");
    private static final long POLL_MILLIS = 20;
    private static final long STOP_GRACE_SECONDS = 120;

    private WsProbe() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "freeport" -> System.out.println(freePort());
            case "snapshot" -> {
                if (args.length < 2) {
                    usage();
                }
                int timeout = args.length > 2 ? Integer.parseInt(args[2]) : 30;
                System.exit(snapshot(URI.create(args[1]), timeout));
            }
            case "startup" -> System.exit(startup(args));
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: WsProbe freeport | snapshot WS_URL [timeoutSeconds]"
                + " | startup PORT [timeoutSeconds] -- COMMAND [ARGS...]");
        System.exit(2);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static int snapshot(URI uri, int timeoutSeconds) throws InterruptedException {
        HttpClient client = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        String last = "no connection";
        while (System.nanoTime() < deadline) {
            try {
                String frame = firstFrame(client, uri, deadline);
                int batteries = countBatteries(frame);
                if (batteries > 0) {
                    System.out.println("snapshot with " + batteries + " batteries from " + uri + ": "
                            + abbreviate(frame));
                    return 0;
                }
                last = "snapshot without batteries: " + abbreviate(frame);
            } catch (Exception e) {
                last = String.valueOf(e.getCause() != null ? e.getCause() : e);
            }
            Thread.sleep(200);
        }
        System.err.println("no snapshot with batteries from " + uri + " within " + timeoutSeconds + " s; last: " + last);
        return 1;
    }

    private static int startup(String[] args) throws Exception {
        int dashes = List.of(args).indexOf("--");
        if (args.length < 2 || dashes < 2 || dashes == args.length - 1) {
            usage();
        }
        int port = Integer.parseInt(args[1]);
        int timeoutSeconds = dashes > 2 ? Integer.parseInt(args[2]) : 60;
        List<String> command = new ArrayList<>(List.of(args).subList(dashes + 1, args.length));
        URI uri = URI.create("ws://127.0.0.1:" + port + "/ws");
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

        long start = System.nanoTime();
        Process process = new ProcessBuilder(command).inheritIO().start();
        long deadline = start + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        long acceptedMs = -1;
        long snapshotMs = -1;
        long acceptedCpuMs = -1;
        try {
            while (System.nanoTime() < deadline && process.isAlive() && snapshotMs < 0) {
                try {
                    String frame = firstFrame(client, uri, deadline);
                    if (acceptedMs < 0) {
                        acceptedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                        acceptedCpuMs = process.info().totalCpuDuration().map(Duration::toMillis).orElse(-1L);
                    }
                    if (countBatteries(frame) > 0) {
                        snapshotMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
                    } else {
                        Thread.sleep(POLL_MILLIS);
                    }
                } catch (Exception notYet) {
                    Thread.sleep(POLL_MILLIS);
                }
            }
        } finally {
            stop(process);
        }
        System.out.println("startup: first accepted WebSocket " + acceptedMs + " ms, first snapshot with batteries "
                + snapshotMs + " ms, JVM CPU time at first accept " + acceptedCpuMs + " ms: " + String.join(" ", command));
        return snapshotMs >= 0 ? 0 : 1;
    }

    private static void stop(Process process) throws InterruptedException {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        process.destroy();
        // generous: a JVM writing its AOT cache on exit (the training run) needs a while on a busy machine
        if (!process.waitFor(STOP_GRACE_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
        }
        for (ProcessHandle child : tree) {
            if (child.isAlive()) {
                child.destroy();
                child.onExit().completeOnTimeout(child, 10, TimeUnit.SECONDS).join();
                child.destroyForcibly();
            }
        }
    }

    /** Opens a WebSocket, returns its first complete text frame, closes it. */
    private static String firstFrame(HttpClient client, URI uri, long deadlineNanos) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket.Listener listener = new WebSocket.Listener() {
            private final StringBuilder text = new StringBuilder();

            @Override
            public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                text.append(data);
                if (last) {
                    first.complete(text.toString());
                }
                webSocket.request(1);
                return null;
            }

            @Override
            public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
                first.completeExceptionally(new IOException("closed " + statusCode + " " + reason));
                return null;
            }

            @Override
            public void onError(WebSocket webSocket, Throwable error) {
                first.completeExceptionally(error);
            }
        };
        WebSocket ws = client.newWebSocketBuilder()
                .connectTimeout(Duration.ofSeconds(2))
                .buildAsync(uri, listener)
                .get(5, TimeUnit.SECONDS);
        try {
            long left = Math.max(1, deadlineNanos - System.nanoTime());
            return first.get(Math.min(left, TimeUnit.SECONDS.toNanos(10)), TimeUnit.NANOSECONDS);
        } finally {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "probe done").exceptionally(e -> null);
            ws.abort();
        }
    }

    private static int countBatteries(String frame) {
        Matcher matcher = BATTERY_KEY.matcher(frame);
        int count = 0;
        while (matcher.find()) {
            count++;
        }
        return count;
    }

    private static String abbreviate(String text) {
        return text.length() <= 160 ? text : text.substring(0, 160) + "...";
    }
}
