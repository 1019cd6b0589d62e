package io.bess.bench.load;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Starting, watching and ending the processes under test (loopback only), and reading /proc. */
public final class Procs {
    private static final List<Process> STARTED = new ArrayList<>();
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(Procs::killAll));
    }

    private Procs() {
    }

    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Starts a process with extra environment, output to {@code log}. */
    public static synchronized Process start(List<String> cmd, Map<String, String> env, File dir, Path log)
            throws IOException {
        Files.createDirectories(log.getParent());
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        STARTED.add(p);
        return p;
    }

    /** Waits until the TCP port accepts connections, or the process dies, or the timeout passes. */
    public static void awaitPort(Process p, int port, long timeoutMs, Path log) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMs;
        while (System.currentTimeMillis() < deadline) {
            if (!p.isAlive()) {
                throw new IOException("process exited with " + p.exitValue() + " before listening on " + port
                        + "; see " + log);
            }
            try (Socket s = new Socket()) {
                s.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return;
            } catch (IOException e) {
                Thread.sleep(50);
            }
        }
        throw new IOException("nothing listening on " + port + " after " + timeoutMs + " ms; see " + log);
    }

    public static synchronized void stop(Process p) {
        if (p == null) {
            return;
        }
        p.destroy();
        try {
            if (!p.waitFor(5, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        STARTED.remove(p);
    }

    static synchronized void killAll() {
        for (Process p : new ArrayList<>(STARTED)) {
            p.destroyForcibly();
        }
    }

    /** Resident set size in KB (VmRSS), or -1. */
    public static long rssKb(long pid) {
        return statusNumber(pid, "VmRSS:");
    }

    /** The process's OS threads (virtual threads are not among them), from /proc/pid/status; -1 when it is gone. */
    public static int threads(long pid) {
        return (int) statusNumber(pid, "Threads:");
    }

    /** The number on a line of /proc/pid/status; -1 when the process is gone. */
    private static long statusNumber(long pid, String field) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith(field)) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            // gone
        }
        return -1;
    }

    /** utime + stime of a process in seconds (all threads), from /proc/pid/stat; CLK_TCK is 100 on Linux. */
    public static double cpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** stime of a process in seconds: the part of its CPU spent in the kernel (syscalls: socket writes, wakeups). */
    public static double systemCpuSeconds(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[12]) / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Busy CPU seconds of the whole machine (all cores), from /proc/stat. */
    public static double machineBusySeconds() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) { // idle, iowait
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / 100.0;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** Used heap in KB after a full GC, via jcmd; -1 when not a JVM or jcmd fails. */
    public static long heapUsedAfterGcKb(String javaHome, long pid) {
        try {
            run(List.of(javaHome + "/bin/jcmd", Long.toString(pid), "GC.run"));
            String out = run(List.of(javaHome + "/bin/jcmd", Long.toString(pid), "GC.heap_info"));
            Matcher m = HEAP_USED.matcher(out);
            return m.find() ? Long.parseLong(m.group(1)) : -1;
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static String run(List<String> cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
        }
        return out;
    }
}
