package io.shmtel.reliability;

import io.shmtel.core.region.Region;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Torn-read stress: reader JVMs (latest-value and stream, copying and optimistic, and the latest-value waiter, in
 * turn) validate the checksum of every sample they get from a full-rate writer JVM; a control reader copies the
 * same slots without the seqlock checks and must see torn copies, which proves the check can fail.
 */
public final class TornSuite {
    static final Pattern RESULT = Pattern.compile(
            "reads (\\d+) bad (\\d+) lost (\\d+) rssKb (-?\\d+) (-?\\d+)(?: heapKb (-?\\d+) (-?\\d+))?");

    /**
     * The reader modes, taken in turn: copying latest and stream readers, their optimistic (zero-copy)
     * twins, which check each sample in the live slot and count it only when the read validated, and the
     * latest-value waiter ({@code Subscriber.pollLatest}), which watches the slot of the next sample and must hand
     * out only samples newer than its last.
     */
    static final List<String> READ_MODES = List.of("latest", "stream", "latest-optimistic", "stream-optimistic",
            "latest-waiter");

    private TornSuite() {}

    /** Parsed "reads N bad B lost L rssKb R0 R1 heapKb H0 H1" line of a reader worker. */
    record Reads(long reads, long bad, long lost, long rssStartKb, long rssEndKb, long heapStartKb, long heapEndKb) {
        static Reads parse(String line) {
            Matcher m = RESULT.matcher(line);
            if (!m.find()) {
                throw new IllegalStateException("unexpected reader output: " + line);
            }
            return new Reads(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
                    Long.parseLong(m.group(4)), Long.parseLong(m.group(5)),
                    m.group(6) == null ? -1 : Long.parseLong(m.group(6)),
                            m.group(7) == null ? -1 : Long.parseLong(m.group(7)));
        }
    }

    public static SuiteResult run(Path dir, long totalReads, int readers, int maxSeconds) {
        return run(dir, totalReads, readers, maxSeconds, false);
    }

    /**
     * With {@code claims}, the writer JVM writes a third of its samples staged, a third in place through
     * zero-copy claims, and a third through a claim it aborts half-written and then claims again
     * ({@link Worker#publishInTurn}).
     */
    public static SuiteResult run(Path dir, long totalReads, int readers, int maxSeconds, boolean claims) {
        SuiteResult result = new SuiteResult(claims ? "torn-claims" : "torn");
        String region = "torn";
        long perReader = totalReads / readers;
        long start = System.nanoTime();
        List<String> writerProperties = claims ? List.of("-D" + Worker.CLAIMS_PROPERTY + "=true") : List.of();
        try (Child writer = Child.start(writerProperties, "publish", dir.toString(), region,
                Integer.toString(maxSeconds + 30))) {
            writer.await("ready");
            List<Child> children = new ArrayList<>();
            try {
                for (int i = 0; i < readers; i++) {
                    children.add(Child.start("read", dir.toString(), region, READ_MODES.get(i % READ_MODES.size()),
                            Long.toString(perReader), Integer.toString(maxSeconds)));
                }
                long validated = 0;
                long bad = 0;
                long lost = 0;
                Map<String, Long> readsByMode = new LinkedHashMap<>();
                for (int i = 0; i < children.size(); i++) {
                    Reads r = Reads.parse(children.get(i).await("reads"));
                    validated += r.reads();
                    bad += r.bad();
                    lost += r.lost();
                    readsByMode.merge(READ_MODES.get(i % READ_MODES.size()), r.reads(), Long::sum);
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                result.figure("%d reader JVMs (modes in turn) against a full-rate writer JVM%s: %,d validated reads %s"
                        + " in %.1f s, %d torn or out of order; stream readers lapped %,d samples (counted, not torn)",
                        readers, claims ? " (staged, claimed, claims aborted)" : "", validated, readsByMode, seconds,
                        bad, lost);
                result.check(bad == 0, "%d torn or out-of-order snapshots", bad);
                readsByMode.forEach((mode, reads) -> result.check(reads > 0, "the %s readers validated no read",
                        mode));
                result.check(validated >= totalReads - readers, "only %d of %d reads done in %d s", validated,
                        totalReads,
                        maxSeconds);
            } finally {
                children.forEach(Child::close);
            }
            try (Child control = Child.start("read", dir.toString(), region, "raw", "2000000", "30")) {
                Reads r = Reads.parse(control.await("reads"));
                result.figure("control without seqlock validation: %,d copies, %,d torn", r.reads(), r.bad());
                result.check(r.bad() > 0, "the unvalidated control saw no torn copy in %d: the check could not fail",
                        r.reads());
            }
        } finally {
            Region.unlink(region, Worker.options(dir));
        }
        return result;
    }
}
