import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Issue 14's command storm against a running service: one client of every battery sends 300 unsubscribe commands of
 * 1,024 made-up ids each, then 20 subscribe/unsubscribe pairs of 1,024 more (about 2 MB of text), while a client of
 * battery 1 keeps reading. Prints the service's RSS before, at its peak over the next 10 s, and after, and what the
 * bystander received meanwhile. Run by storm.sh: java Storm.java PID PORT.
 */
public final class Storm {
    private Storm() {
    }

    public static void main(String[] args) throws Exception {
        long pid = Long.parseLong(args[0]);
        int port = Integer.parseInt(args[1]);
        HttpClient http = HttpClient.newHttpClient();
        AtomicLong bystanderFrames = new AtomicLong();
        AtomicLong stormErrors = new AtomicLong();
        http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws?batteries=1"),
                                              counting(bystanderFrames, null)).get();
        Thread.sleep(3_000);
        long before = rssMb(pid);
        long framesBefore = bystanderFrames.get();
        WebSocket storm = http.newWebSocketBuilder()
                .buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws"), counting(new AtomicLong(), stormErrors))
                .get();
        long started = System.nanoTime();
        for (int i = 0; i < 300; i++) {
            storm.sendText(command("unsubscribe", 100_000 + i * 1024), true).get();
        }
        for (int i = 0; i < 20; i++) {
            storm.sendText(command("subscribe", 500_000 + i * 1024), true).get();
            storm.sendText(command("unsubscribe", 500_000 + i * 1024), true).get();
        }
        long sentMillis = (System.nanoTime() - started) / 1_000_000;
        long peak = before;
        for (int i = 0; i < 20; i++) {
            Thread.sleep(500);
            peak = Math.max(peak, rssMb(pid));
        }
        System.out.printf("storm sent in %d ms; service RSS before %d MB, peak %d MB (+%d), after 10 s %d MB;"
                                  + " battery-1 client got %d frames meanwhile; storm client got %d error frames%n",
                          sentMillis, before, peak, peak - before, rssMb(pid),
                          bystanderFrames.get() - framesBefore, stormErrors.get());
        System.exit(0);
    }

    private static String command(String action, int firstId) {
        return "{\"action\":\"" + action + "\",\"batteries\":[" + IntStream.range(firstId, firstId + 1024)
                .mapToObj(Integer::toString).collect(Collectors.joining(",")) + "]}";
    }

    private static WebSocket.Listener counting(AtomicLong frames, AtomicLong errors) {
        return new WebSocket.Listener() {
            @Override
            public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
                frames.incrementAndGet();
                if (errors != null && data.toString().contains("\"error\"")) {
                    errors.incrementAndGet();
                }
                ws.request(1);
                return null;
            }
        };
    }

    private static long rssMb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
            }
        }
        throw new IllegalStateException("no VmRSS for " + pid);
    }
}
