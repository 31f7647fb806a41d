package io.shmtel.core;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A separate process for the cross-process tests. Modes:
 * <pre>
 *   publish DIR REGION SCHEMA RECORD SECONDS   publish the counter pattern at full rate ("ready epoch=E" once started)
 *   latest  DIR REGION RECORD READS SECONDS    read the newest sample READS times, checking each ("reads N torn T")
 *   stream  DIR REGION RECORD READS SECONDS    read every sample in order, checking each ("reads N torn T lost L backwards B")
 *   create  DIR REGION SCHEMA                  create the region and exit ("created" or "failed: Class: message")
 *   sleep   DIR REGION RECORD LAST MAXWAIT_MS  read every sample up to index LAST with a blocking WaitSet, checking
 *                                              each ("ready" once subscribed; at the end "read N lost L torn T
 *                                              backwards B sleeps S wakeups W timeouts X fallbacks F")
 *   hold    DIR REGION SCHEMA RECORD           publish one sample, then hold the region ("ready epoch=E")
 * </pre>
 */
@SuppressWarnings("try") // create holds the publisher only to own the region
public final class RegionChild {
    public static void main(String[] args) throws Exception {
        RegionOptions options = ShmDirectory.options(Path.of(args[1]));
        switch (args[0]) {
            case "publish" -> publish(options, args[2], layout(args[3]), args[4], Long.parseLong(args[5]));
            case "latest", "stream" -> read(options, args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]),
                    args[0].equals("stream"));
            case "create" -> create(options, args[2], layout(args[3]));
            case "sleep" -> sleep(options, args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]));
            case "hold" -> hold(options, args[2], layout(args[3]), args[4]);
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /** Starts a child JVM in {@code mode args...} with extra JVM options, added to {@code children} (to be killed after the test). */
    static Process start(java.util.List<Process> children, java.util.List<String> jvmOptions, String... args)
            throws IOException {
        java.util.List<String> command = new java.util.ArrayList<>(java.util.List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "--enable-native-access=ALL-UNNAMED"));
        command.addAll(jvmOptions);
        command.addAll(java.util.List.of("-cp", System.getProperty("java.class.path"), RegionChild.class.getName()));
        command.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        children.add(p);
        return p;
    }

    /** Kills the children a test started (after each test: none outlives it, nor its regions' owners). */
    static void killAll(java.util.List<Process> children) throws InterruptedException {
        for (Process p : children) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    static Layout layout(String schemaFile) {
        return LayoutCompiler.compile(SchemaParser.parse(Path.of(schemaFile)));
    }

    static void publish(RegionOptions options, String region, Layout layout, String record, long seconds) {
        try (Publisher publisher = Publisher.create(region, layout, options)) {
            RecordLayout r = layout.record(record).orElseThrow();
            RingWriter sink = publisher.sink(record);
            DynamicWriter writer = new DynamicWriter(sink, r);
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
            System.out.println("ready epoch=" + publisher.epoch());
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long count = 1;
            while (System.nanoTime() - deadline < 0) {
                CounterPattern.fill(writer, sink.nextSampleIndex());
                writer.commit();
                count++;
            }
            System.out.println("published " + count);
        }
    }

    static void read(RegionOptions options, String region, String record, long reads, long seconds, boolean stream) {
        try (Subscriber subscriber = Subscriber.open(region, record, options)) {
            DynamicView view = new DynamicView(subscriber.record());
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long done = 0;
            long torn = 0;
            long backwards = 0;
            long last = -1;
            while (done < reads && System.nanoTime() - deadline < 0) {
                boolean got = stream ? subscriber.poll(view) : subscriber.latest(view);
                if (!got) {
                    Thread.onSpinWait();
                    continue;
                }
                done++;
                if (!CounterPattern.check(view)) {
                    torn++;
                }
                long k = view.sampleIndex();
                if (stream ? k <= last : k < last) {
                    backwards++;
                }
                last = k;
            }
            System.out.println("reads " + done + " torn " + torn + " lost " + subscriber.lostSamples() + " backwards "
                    + backwards);
        }
    }

    static void create(RegionOptions options, String region, Layout layout) throws IOException {
        try (Publisher ignored = Publisher.create(region, layout, options)) {
            System.out.println("created");
        } catch (RuntimeException e) {
            System.out.println("failed: " + e.getClass().getSimpleName() + ": " + e.getMessage());
            try (var files = Files.list(options.directory())) {
                System.out.println("left: " + files.map(p -> p.getFileName().toString()).sorted().toList());
            }
            System.exit(3);
        }
    }

    static void sleep(RegionOptions options, String region, String record, long last, long maxWaitMs) {
        try (Subscriber subscriber = Subscriber.open(region, record, options)) {
            DynamicView view = new DynamicView(subscriber.record());
            WaitSet waitSet = new WaitSet().add(subscriber);
            subscriber.seekToNewest();
            System.out.println("ready");
            System.out.flush();
            long read = 0;
            long torn = 0;
            long backwards = 0;
            long k = -1;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (k < last && System.nanoTime() - deadline < 0) {
                if (subscriber.poll(view)) {
                    read++;
                    if (!CounterPattern.check(view)) {
                        torn++;
                    }
                    if (view.sampleIndex() <= k) {
                        backwards++;
                    }
                    k = view.sampleIndex();
                    continue;
                }
                waitSet.sleep(TimeUnit.MILLISECONDS.toNanos(maxWaitMs));
            }
            System.out.println("read " + read + " lost " + subscriber.lostSamples() + " torn " + torn + " backwards "
                    + backwards + " sleeps " + waitSet.sleeps() + " wakeups " + waitSet.wakeups() + " timeouts "
                    + waitSet.timeouts() + " fallbacks " + waitSet.fallbacks());
        }
    }

    static void hold(RegionOptions options, String region, Layout layout, String record) throws InterruptedException {
        try (Publisher publisher = Publisher.create(region, layout, options)) {
            RingWriter sink = publisher.sink(record);
            DynamicWriter writer = new DynamicWriter(sink, layout.record(record).orElseThrow());
            CounterPattern.fill(writer, sink.nextSampleIndex());
            writer.commit();
            System.out.println("ready epoch=" + publisher.epoch());
            System.out.flush();
            Thread.sleep(TimeUnit.MINUTES.toMillis(5));
        }
    }
}
