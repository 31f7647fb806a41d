package io.shmtel.bench.harness;

import io.shmtel.bench.gen.bench.BenchSchema;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.HdrHistogram.Histogram;

/**
 * One side of one harness scenario, run in its own JVM by {@link Harness}. Talks to the harness by
 * lines: it prints {@code READY} once set up, waits for {@code GO} on stdin where the run must start
 * in step with other processes, prints {@code METRIC name value} and {@code HIST name base64} lines
 * with what it measured, {@code PLACEMENT ok|refused ...} when the harness asked it to place its measuring
 * thread ({@link Placement}: system properties; a refusal is reported, never fatal), and {@code DONE} last. Every
 * latency is in nanoseconds.
 *
 * <p>Modes (arguments after the mode and the working directory):
 * <pre>
 *   oneway-pub   GAP_MIN_NS GAP_MAX_NS WARMUP COUNT [WARMUP_GAP_NS [linger]]
 *                                                    publish x[0]=i on region "oneway", gap between samples;
 *                                                    linger: then keep the region open, silent, until STOP
 *   oneway-sub   IDLE [stream|latest]                 await each sample (or the newest); latency = now - slot timestamp
 *   ping         WARMUP COUNT                         shmtel round trip over regions "ping" and "pong"
 *   pong                                              echoes "ping" samples into "pong"
 *   mb-send      IDLE WARMUP COUNT GAP_NS             put messages into mailbox "mailbox"/cmd1, await each answer
 *   mb-recv      IDLE                                 take and answer (done) every message
 *   uds-server / uds-client WARMUP COUNT              8-byte ping-pong over a Unix-domain socket
 *   naive-pub    GAP_MIN_NS GAP_MAX_NS WARMUP COUNT   flag + timestamp in a mapped file
 *   naive-sub    SLEEP_MS                             the tutorials' loop: check the flag, sleep, repeat
 *   tput-pub     SECONDS RATE WARMUP_SECONDS          publish into "tput"/deep1 at RATE samples/s
 *                                                    (0: as fast as it can)
 *   tput-sub     [QUIET_MS]                           stream-poll every sample of "tput"/deep1 (to the end
 *                                                    marker, or QUIET_MS without a sample after the first)
 *   idle-sub     SECONDS                              default backoff on a silent record; CPU time used
 * </pre>
 * The modes live in {@link ShmtelChild}, {@link PeerChild} and {@link ThroughputChild}; this class
 * holds the dispatch and the line protocol they share. The Aeron modes are in {@link AeronChild},
 * which alone runs with the JVM flags Aeron needs.
 */
public final class Child {
    /** x[1] of a sample to measure (x[1] = 0: warm-up); x[0] < 0 ends a run. */
    static final double MEASURED = 1;
    static final int MAX_WAIT_SECONDS = 60;
    /** oneway-pub's last argument that keeps its region open and silent after the run, until STOP. */
    static final String LINGER = "linger";
    static final String STOP = "STOP";

    private Child() {}

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        Path dir = Path.of(args[1]);
        // This (main) thread is the measuring thread of every mode; threads it starts inherit its CPU.
        Placement.applyInChild();
        RegionOptions options = RegionOptions.defaults().withDirectory(dir);
        switch (mode) {
            case "oneway-pub" -> ShmtelChild.onewayPublisher(options, Long.parseLong(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]),
                    args.length > 6 ? Long.parseLong(args[6]) : -1, args.length > 7 && args[7].equals(LINGER));
            case "oneway-sub" -> ShmtelChild.onewaySubscriber(options, args[2], args.length > 3 ? args[3] : "stream");
            case "ping" -> ShmtelChild.ping(options, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "pong" -> ShmtelChild.pong(options);
            case "mb-send" -> ShmtelChild.mailboxSender(options, args[2], Integer.parseInt(args[3]),
                    Integer.parseInt(args[4]), Long.parseLong(args[5]));
            case "mb-recv" -> ShmtelChild.mailboxReceiver(options, args[2]);
            case "uds-server" -> PeerChild.udsServer(dir);
            case "uds-client" -> PeerChild.udsClient(dir, Integer.parseInt(args[2]), Integer.parseInt(args[3]));
            case "naive-pub" -> PeerChild.naivePublisher(dir, Long.parseLong(args[2]), Long.parseLong(args[3]),
                    Integer.parseInt(args[4]), Integer.parseInt(args[5]));
            case "naive-sub" -> PeerChild.naiveSubscriber(dir, Long.parseLong(args[2]));
            case "tput-pub" -> ThroughputChild.throughputPublisher(options, Double.parseDouble(args[2]),
                    Double.parseDouble(args[3]), Double.parseDouble(args[4]));
            case "tput-sub" -> ThroughputChild.throughputSubscriber(options,
                    args.length > 2 ? TimeUnit.MILLISECONDS.toNanos(Long.parseLong(args[2])) : 0);
            case "idle-sub" -> ThroughputChild.idleSubscriber(options, Double.parseDouble(args[2]),
                    args.length > 3 ? args[3] : BenchIdle.BACKOFF);
            default -> throw new IllegalArgumentException("unknown mode " + mode);
        }
        Placement.reportInChild();
        System.out.println("DONE");
        System.out.flush();
    }

    static Layout layout() {
        return LayoutCompiler.compile(SchemaParser.parse(BenchSchema.CANONICAL_JSON, "bench"));
    }

    static Histogram histogram() {
        return new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
    }

    static void ready() {
        System.out.println("READY");
        System.out.flush();
    }

    /** Blocks until the harness sends GO (or closes stdin, which ends the run). */
    static void awaitGo() throws IOException {
        awaitLine("GO");
    }

    /** The child's one reader of the harness's lines (GO, STOP), so that no line is buffered away. */
    private static BufferedReader stdin;

    /** Blocks until the harness sends {@code word} on a line of its own; fails when it closes stdin first. */
    static synchronized void awaitLine(String word) throws IOException {
        if (stdin == null) {
            stdin = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        }
        String line;
        while ((line = stdin.readLine()) != null) {
            if (line.equals(word)) {
                return;
            }
        }
        throw new IllegalStateException("the harness closed stdin before " + word);
    }

    static void metric(String name, double value) {
        System.out.println("METRIC " + name + " " + value);
    }

    static void report(String name, Histogram h) {
        ByteBuffer buffer = ByteBuffer.allocate(h.getNeededByteBufferCapacity());
        int length = h.encodeIntoCompressedByteBuffer(buffer);
        byte[] bytes = new byte[length];
        buffer.flip();
        buffer.get(bytes);
        System.out.println("HIST " + name + " " + Base64.getEncoder().encodeToString(bytes));
        System.out.flush();
    }

    /** Waits until {@code gapNs} after {@code startNs}: spinning for gaps under 50 us, parking otherwise. */
    static void pace(long startNs, long gapNs) {
        long until = startNs + gapNs;
        if (gapNs >= 50_000) {
            long left;
            while ((left = until - System.nanoTime()) > 0) {
                LockSupport.parkNanos(left);
            }
        } else {
            while (System.nanoTime() - until < 0) {
                Thread.onSpinWait();
            }
        }
    }

    static long gap(SplittableRandom random, long minNs, long maxNs) {
        return minNs == maxNs ? minNs : random.nextLong(minNs, maxNs + 1);
    }
}
