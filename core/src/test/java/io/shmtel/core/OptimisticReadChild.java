package io.shmtel.core;

import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.CounterPattern;
import io.shmtel.core.view.DynamicView;
import io.shmtel.core.view.OptimisticReader;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * A reader process of {@link OptimisticTornReadTest}: {@code MODE DIR REGION RECORD READS SECONDS}, MODE
 * {@code latest} or {@code stream}, reads the counter pattern in place through {@link Subscriber#latestOptimistic}
 * or {@link Subscriber#pollOptimistic}, checking every attempt inside the optimistic window, and prints
 * {@code reads N torn T lost L backwards B attempts A tornSeen S}: T validated reads that were not one whole
 * sample (must be 0), S attempts whose bytes were not one whole sample (thrown away by the validation).
 */
public final class OptimisticReadChild {
    private OptimisticReadChild() {}

    /** Checks the pattern of the live slot; its verdict counts only when the read validates. */
    static final class PatternCheck implements OptimisticReader<DynamicView> {
        long attempts;
        long tornSeen;
        long index;
        boolean whole;

        @Override
        public void read(DynamicView view) {
            attempts++;
            index = view.sampleIndex();
            whole = CounterPattern.check(view, index);
            if (!whole) {
                tornSeen++;
            }
        }
    }

    public static void main(String[] args) {
        RegionOptions options = ShmDirectory.options(Path.of(args[1]));
        boolean stream = args[0].equals("stream");
        long reads = Long.parseLong(args[4]);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(Long.parseLong(args[5]));
        try (Subscriber subscriber = Subscriber.open(args[2], args[3], options)) {
            DynamicView view = new DynamicView(subscriber.record());
            PatternCheck check = new PatternCheck();
            long done = 0;
            long torn = 0;
            long backwards = 0;
            long last = -1;
            while (done < reads && System.nanoTime() - deadline < 0) {
                boolean got = stream ? subscriber.pollOptimistic(view, check)
                        : subscriber.latestOptimistic(view, check);
                if (!got) {
                    Thread.onSpinWait();
                    continue;
                }
                done++;
                long k = subscriber.lastSampleIndex();
                if (!check.whole || check.index != k) {
                    torn++;
                }
                if (stream ? k <= last : k < last) {
                    backwards++;
                }
                last = k;
            }
            System.out.println("reads " + done + " torn " + torn + " lost " + subscriber.lostSamples() + " backwards "
                    + backwards + " attempts " + check.attempts + " tornSeen " + check.tornSeen);
        }
    }
}
