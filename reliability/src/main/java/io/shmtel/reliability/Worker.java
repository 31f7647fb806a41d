package io.shmtel.reliability;

import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.Publisher;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.OptimisticReader;
import io.shmtel.error.ShmtelException;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.SlotDescriptor;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The child processes of the reliability suites (one JVM each). Modes:
 * <pre>
 *   publish DIR REGION SECONDS           publish torture samples at full rate ("ready epoch=E" after the first);
 *                                        with -Dshmtel.reliability.samples=N only N samples, then hold the region;
 *                                        with -Dshmtel.reliability.variant=V samples of contents variant V;
 *                                        with -Dshmtel.reliability.claims=true through zero-copy claims too
 *   read    DIR REGION MODE READS SECS   MODE latest | stream | latest-optimistic | stream-optimistic (zero-copy:
 *                                        the words read in place) | latest-waiter (pollLatest: only newer samples)
 *                                        | raw (no seqlock validation: the control);
 *                                        prints "reads N bad B lost L rssKb R0 R1 heapKb H0 H1"
 *   race    DIR                          per stdin line "create NAME": try to create it ("won" or
 *                                        "lost Class: message"); "release": close and remove what it won
 *   plant   DIR REGION                   create a plain file under the region's name ("planted")
 *   churn   DIR CYCLES                   create, publish, check, close regions churn-0..15 while gc runs;
 *                                        prints "cycles N stolen S" (S: held regions whose name was removed)
 *   mbox-hold DIR REGION                 take a message of the {@link #MAILBOX_LAYOUT} mailbox and hold it
 *                                        unanswered ("holding K")
 *   mbox-recover DIR REGION              once the mailbox is READING, try to recover it once (the recovery of
 *                                        MailboxWords, as writers and consumers run it): "recovered true|false"
 * </pre>
 */
public final class Worker {
    private Worker() {}

    public static void main(String[] args) throws Exception {
        RegionOptions options = options(Path.of(args[1]));
        switch (args[0]) {
            case "publish" -> publish(options, args[2], Long.parseLong(args[3]));
            case "read" -> read(options, args[2], args[3], Long.parseLong(args[4]), Long.parseLong(args[5]));
            case "race" -> race(options);
            case "churn" -> churn(options, Integer.parseInt(args[2]));
            case "mbox-hold" -> mailboxHold(options, args[2]);
            case "mbox-recover" -> mailboxRecover(options, args[2]);
            case "plant" -> {
                // another user's file under a region's name (the permission tests' squatter)
                Files.writeString(options.regionDirectory().file(args[2]), "not a region");
                System.out.println("planted");
            }
            default -> throw new IllegalArgumentException("unknown mode " + args[0]);
        }
    }

    /** The mailbox record of the mailbox cases: one command, taken once and answered. */
    public static final String MAILBOX_RECORD = "command";
    public static final Layout MAILBOX_LAYOUT = LayoutCompiler.compile(
            SchemaParser.parse("{\"schema\":\"commands\",\"version\":1,\"records\":[{\"name\":\""
                    + MAILBOX_RECORD + "\",\"sync\":\"mailbox\",\"fields\":[{\"name\":\"id\",\"type\":\"i64\"}]}]}",
                    "commands.json"));

    /** System property: the writers' heartbeat period in ms (default 20: short, so that the suites run fast). */
    public static final String HEARTBEAT_PROPERTY = "shmtel.reliability.heartbeatMs";

    /** System property: open regions of other users too (the CLI's --any-owner), for the permission tests. */
    public static final String ANY_OWNER_PROPERTY = "shmtel.reliability.anyOwner";

    /** System property: publish mode's contents variant (see {@link TortureSample#VARIANTS}; default 0). */
    public static final String VARIANT_PROPERTY = "shmtel.reliability.variant";

    /**
     * System property: publish mode publishes this many samples, then holds the region until SECONDS pass (default: no
     * limit).
     */
    public static final String SAMPLES_PROPERTY = "shmtel.reliability.samples";

    /**
     * System property: publish mode writes samples in turn staged, through a claim, and through a claim
     * aborted half-written then claimed again ({@link #publishInTurn}); default false: staged only.
     */
    public static final String CLAIMS_PROPERTY = "shmtel.reliability.claims";

    /** The suites' region options: heartbeat from {@value #HEARTBEAT_PROPERTY} (20 ms), stalled after 5 periods. */
    public static RegionOptions options(Path dir) {
        return RegionOptions.defaults().withDirectory(dir)
                .withHeartbeatPeriod(Duration.ofMillis(Long.getLong(HEARTBEAT_PROPERTY, 20)))
                .withInitTimeout(Duration.ofMillis(300))
                .withAnyOwner(Boolean.getBoolean(ANY_OWNER_PROPERTY));
    }

    static void publish(RegionOptions options, String region, long seconds) throws InterruptedException {
        int variant = Integer.getInteger(VARIANT_PROPERTY, 0);
        long limit = Long.getLong(SAMPLES_PROPERTY, Long.MAX_VALUE);
        try (Publisher publisher = Publisher.create(region, TortureSample.LAYOUT, options)) {
            RingWriter sink = publisher.sink(TortureSample.RECORD);
            ByteBuffer payload = ByteBuffer.allocateDirect(TortureSample.PAYLOAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
            long first = sink.nextSampleIndex();
            TortureSample.fill(payload, first, variant);
            sink.publish(payload, TortureSample.PAYLOAD_LENGTH, System.nanoTime());
            System.out.println("ready epoch=" + publisher.epoch() + " first=" + first + " next="
                    + sink.nextSampleIndex());
            System.out.flush();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            long count = 1;
            boolean claims = Boolean.getBoolean(CLAIMS_PROPERTY);
            while (System.nanoTime() - deadline < 0 && count < limit) {
                for (int i = 0; i < 1000 && count < limit; i++, count++) {
                    if (claims) {
                        publishInTurn(sink, payload, count, variant);
                    } else {
                        TortureSample.fill(payload, sink.nextSampleIndex(), variant);
                        sink.publish(payload, TortureSample.PAYLOAD_LENGTH, System.nanoTime());
                    }
                }
            }
            while (System.nanoTime() - deadline < 0) { // the sample limit reached: hold the region
                Thread.sleep(10);
            }
            System.out.println("published " + sink.nextSampleIndex());
        }
    }

    /** Ways {@link #publishInTurn} takes in turn. */
    private static final int CLAIM_WAYS = 3;

    /**
     * Publishes the next sample staged (turn 0), written in place through a claim (turn 1), or through a
     * claim that first scribbles half of another sample into the slot, aborts, and claims the same index
     * again (turn 2): readers must never validate the scribble nor a mix.
     */
    static void publishInTurn(RingWriter sink, ByteBuffer payload, long turn, int variant) {
        long k = sink.nextSampleIndex();
        switch ((int) (turn % CLAIM_WAYS)) {
            case 0 -> {
                TortureSample.fill(payload, k, variant);
                sink.publish(payload, TortureSample.PAYLOAD_LENGTH, System.nanoTime());
            }
            case 1 -> {
                sink.claim();
                TortureSample.fill(sink.claimBuffer(), sink.claimedPayloadOffset(), k, variant);
                sink.commitClaim(System.nanoTime());
            }
            default -> {
                sink.claim();
                TortureSample.scribble(sink.claimBuffer(), sink.claimedPayloadOffset(), k + 1);
                sink.abortClaim();
                if (sink.claim() != k) {
                    throw new IllegalStateException("an aborted claim's index was not claimed again: " + k);
                }
                TortureSample.fill(sink.claimBuffer(), sink.claimedPayloadOffset(), k, variant);
                sink.commitClaim(System.nanoTime());
            }
        }
    }

    static void read(RegionOptions options, String region, String mode, long reads, long seconds) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        long done = 0;
        long bad = 0;
        long lost = 0;
        long rssStart = rssKb();
        long heapStart = -1;
        if (mode.equals("raw")) {
            // The control: the same copy as the subscriber's, without the seqlock checks around it.
            try (Region r = Region.open(region, options)) {
                RecordLayout record = r.layout().record(TortureSample.RECORD).orElseThrow();
                RingGeometry g = RingGeometry.of(record);
                ByteBuffer shared = r.buffer();
                ByteBuffer copy = ByteBuffer.allocateDirect(g.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
                while (done < reads && System.nanoTime() - deadline < 0) {
                    long published = shared.getLong(g.publishedOffset());
                    if (published <= 0) {
                        continue;
                    }
                    copy.put(0, shared, g.slotOffset(published - 1), g.slotLength());
                    done++;
                    if (!TortureSample.check(copy, 0)) {
                        bad++;
                    }
                }
            }
        } else {
            boolean stream = mode.startsWith("stream");
            boolean optimistic = mode.endsWith("-optimistic");
            boolean waiter = mode.equals("latest-waiter");
            try (Subscriber s = Subscriber.open(region, TortureSample.RECORD, options)) {
                DynamicView view = new DynamicView(s.record());
                TortureCheck inPlace = new TortureCheck();
                long last = -1;
                Region attached = s.region();
                long epoch = s.epoch();
                long nextState = 0;
                long rssAtNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
                while (done < reads && System.nanoTime() - deadline < 0) {
                    long now = System.nanoTime();
                    if (rssAtNs != 0 && now - rssAtNs > 0) {
                        heapStart = heapAfterGcKb();
                        rssStart = rssKb(); // after a second: class loading and JIT are mostly done
                        rssAtNs = 0;
                    }
                    if (now - nextState > 0) {
                        s.state(); // liveness, as await does: follows a writer that replaced the file
                        nextState = now + 5_000_000;
                    }
                    boolean got = optimistic
                            ? (stream ? s.pollOptimistic(view, inPlace) : s.latestOptimistic(view, inPlace))
                            : waiter ? s.pollLatest(view) : (stream ? s.poll(view) : s.latest(view));
                    if (!got) {
                        Thread.onSpinWait();
                        continue;
                    }
                    done++;
                    if (s.region() != attached || s.epoch() != epoch) {
                        attached = s.region(); // a new writer (epoch) or a new file numbers its samples anew
                        epoch = s.epoch();
                        last = -1;
                    }
                    long k = s.lastSampleIndex();
                    boolean whole = optimistic ? inPlace.whole(k)
                            : TortureSample.check(view.buffer(), view.offset()) && view.sampleIndex() == k;
                    // A stream reader and the waiter hand out each sample once, in order; a latest reader may
                    // hand out the same newest sample again.
                    if (!whole || (stream || waiter ? k <= last : k < last)) {
                        bad++;
                    }
                    last = k;
                }
                lost = s.lostSamples();
            }
        }
        long rssEnd = rssKb();
        System.out.println("reads " + done + " bad " + bad + " lost " + lost + " rssKb " + rssStart + " " + rssEnd
                + " heapKb " + heapStart + " " + heapAfterGcKb());
    }

    /**
     * The reader of the optimistic read modes, as an optimistic reader should be: inside the window it only
     * copies the words it needs (the seq and the payload words, one by one, into an image of its own); the
     * checksum is checked after the read validated ({@link #whole}), never on bytes still being written.
     */
    static final class TortureCheck implements OptimisticReader<DynamicView> {
        private final ByteBuffer image = ByteBuffer.allocate(SlotDescriptor.PAYLOAD_OFFSET
                + TortureSample.PAYLOAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);

        @Override
        public void read(DynamicView view) {
            ByteBuffer live = view.buffer();
            int at = view.offset();
            image.putLong(SlotDescriptor.SEQ_OFFSET, live.getLong(at + SlotDescriptor.SEQ_OFFSET));
            for (int i = SlotDescriptor.PAYLOAD_OFFSET; i < image.capacity(); i += Long.BYTES) {
                image.putLong(i, live.getLong(at + i));
            }
        }

        /** After a validated read: true when the words copied are the whole sample {@code k}. */
        boolean whole(long k) {
            return TortureSample.check(image, 0) && SlotDescriptor.sampleIndex(image.getLong(0)) == k;
        }
    }

    static void race(RegionOptions options) throws Exception {
        BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
        Publisher held = null;
        String line;
        while ((line = in.readLine()) != null) {
            if (line.startsWith("create ")) {
                try {
                    held = Publisher.create(line.substring(7), TortureSample.LAYOUT,
                            options.withHeartbeatThread(false));
                    System.out.println("won");
                } catch (ShmtelException e) {
                    System.out.println("lost " + e.getClass().getSimpleName() + ": "
                            + e.getMessage().replace('\n', ' '));
                }
            } else if (line.equals("release")) {
                if (held != null) {
                    held.close();
                    Region.removeUnowned(held.region().name(), options);
                    held = null;
                }
                System.out.println("released");
            } else {
                break;
            }
            System.out.flush();
        }
    }

    static void churn(RegionOptions options, int cycles) {
        ByteBuffer payload = ByteBuffer.allocateDirect(TortureSample.PAYLOAD_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        long stolen = 0;
        for (int i = 0; i < cycles; i++) {
            try (Publisher p = Publisher.create("churn-" + (i % 16), TortureSample.LAYOUT,
                    options.withHeartbeatThread(false))) {
                RingWriter sink = p.sink(TortureSample.RECORD);
                TortureSample.fill(payload, sink.nextSampleIndex());
                sink.publish(payload, TortureSample.PAYLOAD_LENGTH, System.nanoTime());
                if (p.region().isReplaced()) {
                    stolen++; // a live region lost its name: what gc must never do
                }
            }
        }
        System.out.println("cycles " + cycles + " stolen " + stolen);
    }

    static void mailboxHold(RegionOptions options, String region) throws InterruptedException {
        MailboxReceiver receiver = MailboxReceiver.open(region, MAILBOX_RECORD, MAILBOX_LAYOUT, options);
        DynamicView view = new DynamicView(MAILBOX_LAYOUT.record(MAILBOX_RECORD).orElseThrow());
        while (!receiver.take(view, TimeUnit.SECONDS.toNanos(1))) {
            receiver.state();
        }
        System.out.println("holding " + view.sampleIndex());
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static void mailboxRecover(RegionOptions options, String region) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        try (Region r = Region.open(region, options)) {
            ByteBuffer writable = r.sleeperBuffer();
            if (writable == null) {
                System.out.println("no write access: " + r.sleeperRefusal());
                System.exit(3);
            }
            RingGeometry g = RingGeometry.of(r.layout().record(MAILBOX_RECORD).orElseThrow());
            long word = MailboxWords.word(writable, g);
            while (MailboxWords.state(word) != RecordBlockDescriptor.MAILBOX_READING) {
                if (System.nanoTime() - deadline >= 0) {
                    System.out.println("not READING: " + MailboxWords.stateName(MailboxWords.state(word)));
                    System.exit(3);
                }
                Thread.sleep(5);
                word = MailboxWords.word(writable, g);
            }
            System.out.println("recovered " + MailboxWords.recover(writable, g, word,
                    MailboxWords.stateWordAddress(writable, g)));
        }
    }

    /** Heap in use after a full collection, in kB: what a leak would make grow. */
    static long heapAfterGcKb() {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() / 1024;
    }

    /** Resident set size of this process in kB (VmRSS), -1 when unknown. */
    static long rssKb() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (Exception e) {
            return -1;
        }
        return -1;
    }
}
