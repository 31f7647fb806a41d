package io.shmtel.samples;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.samples.gen.arm.ArmSchema;
import io.shmtel.samples.gen.arm.JointStateView;
import java.util.concurrent.TimeUnit;

/** Prints the arm's joint angles in degrees five times a second, through the generated view. */
public final class ArmMonitor {
    private ArmMonitor() {}

    /** One line: sample, writer state and the six angles in degrees. */
    static String line(JointStateView view, Subscriber subscriber) {
        StringBuilder sb = new StringBuilder(String.format("#%-8d %-7s", view.sampleIndex(), subscriber.state()));
        double[] angles = view.position(new double[JointStateView.POSITION_COUNT]); // the whole field at once
        for (int j = 0; j < angles.length; j++) {
            sb.append(String.format(" j%d=%7.2f deg", j + 1, Math.toDegrees(angles[j])));
        }
        return sb.append("  ").append(view.status()).toString();
    }

    /** {@code ArmMonitor [REGION [LINES]]}. */
    public static void main(String[] args) throws InterruptedException {
        String region = args.length > 0 ? args[0] : "arm";
        long lines = args.length > 1 ? Long.parseLong(args[1]) : Long.MAX_VALUE;
        try (Subscriber subscriber = Subscriber.open(region, JointStateView.RECORD_NAME, ArmSchema.layout(),
                RegionOptions.defaults())) {
            JointStateView view = new JointStateView();
            for (long n = 0; n < lines; ) {
                if (subscriber.awaitLatest(view, TimeUnit.SECONDS.toNanos(1))) {
                    System.out.println(line(view, subscriber));
                    n++;
                } else {
                    System.out.println("(no new sample; writer " + subscriber.state() + ")");
                }
                Thread.sleep(200);
            }
        }
    }
}
