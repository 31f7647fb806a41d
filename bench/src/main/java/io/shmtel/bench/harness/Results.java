package io.shmtel.bench.harness;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/** Everything one harness run measured, in the order it ran. */
final class Results {
    /**
     * One fan-out run: subscriber latency (all subscribers together, measured samples only), the
     * publisher's cost per sample, and what the subscribers received and lost (warm-up included);
     * {@code placement} and {@code cpus} as in {@link Row}.
     */
    record FanOut(int subscribers, Histogram latency, Histogram worstSubscriber, Histogram publishCost, long received,
            long lost, String note, String placement, String cpus) {
        boolean present() {
            return latency != null;
        }
    }

    /**
     * One idle strategy in the wake scenario: one-way latency of samples 2-10 ms apart (the subscriber
     * idles in between), and its CPU while the record is silent.
     */
    record Wake(String strategy, Histogram latency, long lost, double threadCpuPercent, double processCpuPercent) {}

    /** Publisher cost per sample with {@code sleepers} blocking subscribers asleep on the record. */
    record WakeCost(int sleepers, Histogram publishCost, Histogram latency) {}

    /**
     * One memory mode: publishing into a fresh ring of 4 KiB slots (one page each), first pass (every
     * page touched for the first time) and second pass (the same pages again: the floor), and the
     * time to create the region with the mode; {@code refused} when the mode could not be applied.
     */
    record Memory(String mode, long bytes, long setupNs, Histogram firstPass, Histogram secondPass, String refused) {}

    /** What a placed row's id ends with. */
    static final String PLACED_SUFFIX = "-placed";

    /** One C operation of the {@code cops} scenario: thread CPU time per call, fastest and median batch. */
    record COp(COpsScenario.Op op, double minNs, double medianNs) {}

    final List<Memory> memory = new ArrayList<>();
    final List<COp> cOps = new ArrayList<>();
    /** Why the {@code cops} scenario measured nothing (no gcc); null when it ran or was not asked for. */
    String cOpsSkipped;
    final Profile profile;
    final String command;
    final Map<String, String> machine;
    final List<Row> rows = new ArrayList<>();
    final List<FanOut> fanOut = new ArrayList<>();
    final Map<String, Object> throughput = new LinkedHashMap<>();
    final Map<String, Object> idle = new LinkedHashMap<>();
    final List<Wake> wake = new ArrayList<>();
    final List<WakeCost> wakeCost = new ArrayList<>();
    final List<String> failures = new ArrayList<>();
    /** The bridge scenario's summary: one-way beside the transport, idle CPU per bridge process, carried rate. */
    final Map<String, Object> bridge = new LinkedHashMap<>();

    Results(Profile profile, String command, Map<String, String> machine) {
        this.profile = profile;
        this.command = command;
        this.machine = machine;
    }

    Row row(String id) {
        return rows.stream().filter(r -> r.id().equals(id)).findFirst().orElse(null);
    }

    /**
     * The floor a row is compared with: the C floor of the same measuring method taken just before
     * the row's scenario, else the floor row of the run; null for the floor rows themselves.
     */
    Histogram floorFor(Row row) {
        if (row.id().startsWith("floor")) {
            return null;
        }
        if (row.adjacentFloor() != null && row.adjacentFloor().getTotalCount() > 0) {
            return row.adjacentFloor();
        }
        String id = row.method().equals(Row.ONE_WAY) ? Harness.FLOOR_ONE_WAY : Harness.FLOOR_ROUND_TRIP;
        Row floor = row.isPlaced() && row(id + PLACED_SUFFIX) != null && row(id + PLACED_SUFFIX).present()
                ? row(id + PLACED_SUFFIX) : row(id);
        return floor != null && floor.present() ? floor.latency() : null;
    }

    /** The fan-out line for {@code subscribers}: the placed one when there is one, else the first measured. */
    FanOut fanOut(int subscribers) {
        return fanOut.stream().filter(f -> f.subscribers() == subscribers && f.present())
                .min((a, b) -> Boolean.compare(!a.placement().equals(Placement.PLACED_WORD),
                        !b.placement().equals(Placement.PLACED_WORD))).orElse(null);
    }

    /** The fan-out line for {@code subscribers} with this placement word, or null. */
    FanOut fanOut(int subscribers, String placement) {
        return fanOut.stream().filter(f -> f.subscribers() == subscribers && f.present()
                && f.placement().equals(placement)).findFirst().orElse(null);
    }
}
