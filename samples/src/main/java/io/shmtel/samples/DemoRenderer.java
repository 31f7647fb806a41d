package io.shmtel.samples;

import io.shmtel.config.LogFormat;
import io.shmtel.core.Subscriber;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.core.view.RecordView;
import io.shmtel.samples.gen.arm.JointStateView;
import io.shmtel.samples.gen.arm_tf.TransformsView;
import io.shmtel.samples.gen.force_torque.WrenchView;
import io.shmtel.samples.gen.imu.ImuSampleView;
import io.shmtel.samples.gen.status_flag.StatusView;
import io.shmtel.samples.gen.system.CpuView;
import io.shmtel.samples.gen.system.MemoryView;
import io.shmtel.samples.gen.system.ThermalView;
import io.shmtel.sensors.kinematics.Quaternions;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * The demo's renderer: reads the newest sample of every demo region {@link #FRAME_RATE_HZ} times a
 * second, through generated views, and redraws a terminal table in place. It reads at its own
 * frame rate while the drivers publish at theirs (500 Hz arm, 1 kHz IMU, 2 Hz CPU...): a
 * latest-value reader never falls behind and never slows a writer.
 */
public final class DemoRenderer {
    public static final int FRAME_RATE_HZ = 10;

    /** One row: a region, its view, how to print a sample, and the last sample seen (for a measured rate). */
    static final class Row<V extends RecordView> {
        final String region;
        final Subscriber subscriber;
        final V view;
        final Function<V, String> format;
        long lastIndex = -1;
        long windowIndex = -1;
        long windowStartNs;
        double rateHz;

        Row(String region, String record, V view, Function<V, String> format, RegionOptions options) {
            this.region = region;
            this.subscriber = Subscriber.open(region, record, options);
            this.view = view;
            this.format = format;
        }

        String render(long now) {
            boolean got = subscriber.latest(view);
            WriterState state = subscriber.state();
            if (got) {
                // Rate over a window of about two seconds: frames come faster than slow sources publish.
                long index = view.sampleIndex();
                if (windowIndex < 0 || index < windowIndex) {
                    windowIndex = index;
                    windowStartNs = now;
                } else if (now - windowStartNs >= 500_000_000L) {
                    rateHz = (index - windowIndex) * 1e9 / (now - windowStartNs);
                    if (now - windowStartNs >= 2_000_000_000L) {
                        windowIndex = index;
                        windowStartNs = now;
                    }
                }
                lastIndex = index;
            }
            String values = got ? format.apply(view) : state == WriterState.WAITING
                    ? "(no region: driver not running here)"
                    : "(no sample yet)";
            return String.format(Locale.ROOT, "%-13s %-11s %8s  #%-9s %s", region, state,
                    got && rateHz > 0 ? String.format(Locale.ROOT, "%.0f Hz", rateHz) : "-",
                    got ? Long.toString(lastIndex) : "-", values);
        }
    }

    private final List<Row<?>> rows = new ArrayList<>();

    public DemoRenderer(String prefix, RegionOptions options) {
        rows.add(new Row<>(prefix + "arm", JointStateView.RECORD_NAME, new JointStateView(), v -> {
            StringBuilder sb = new StringBuilder("joints");
            for (double angle : v.position(new double[JointStateView.POSITION_COUNT])) {
                sb.append(String.format(Locale.ROOT, " %+7.1f", Math.toDegrees(angle)));
            }
            return sb.append(" deg  ").append(v.status()).toString();
        }, options));
        rows.add(new Row<>(prefix + "tf", TransformsView.RECORD_NAME, new TransformsView(), DemoRenderer::tool,
                options));
        rows.add(new Row<>(prefix + "imu", ImuSampleView.RECORD_NAME, new ImuSampleView(),
                v -> String.format(Locale.ROOT, "accel %+6.2f %+6.2f %+6.2f m/s^2  gyro %+6.3f %+6.3f %+6.3f rad/s"
                        + "  %.1f degC  q %+.2f %+.2f %+.2f %+.2f",
                v.accel(0), v.accel(1), v.accel(2), v.gyro(0), v.gyro(1), v.gyro(2), v.temperature(),
                v.orientation(0), v.orientation(1), v.orientation(2), v.orientation(3)), options));
        rows.add(new Row<>(prefix + "wrench", WrenchView.RECORD_NAME, new WrenchView(), v -> String.format(Locale.ROOT,
                "force %+6.1f %+6.1f %+6.1f N  torque %+5.2f %+5.2f %+5.2f N*m%s", v.force(0), v.force(1), v.force(2),
                v.torque(0), v.torque(1), v.torque(2), v.overload() ? "  OVERLOAD" : ""), options));
        rows.add(new Row<>(prefix + "status", StatusView.RECORD_NAME, new StatusView(), v -> String.format(Locale.ROOT,
                "%-10s value %+8.3f", v.status(), v.value()), options));
        rows.add(new Row<>(prefix + "cpu", CpuView.RECORD_NAME, new CpuView(), v -> {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "total %5.1f %%  cores", 100 * v.total()));
            for (int c = 0; c < Math.min(v.cores(), 8); c++) {
                sb.append(String.format(Locale.ROOT, " %5.1f", 100 * v.core(c)));
            }
            return sb.append(v.cores() > 8 ? " ..." : "").toString();
        }, options));
        rows.add(new Row<>(prefix + "memory", MemoryView.RECORD_NAME, new MemoryView(), v -> String.format(Locale.ROOT,
                "used %.2f of %.2f GiB (%.1f %%)", (v.totalBytes() - v.availableBytes()) / 1073741824.0,
                v.totalBytes() / 1073741824.0, 100 * v.usedFraction()), options));
        rows.add(new Row<>(prefix + "thermal", ThermalView.RECORD_NAME, new ThermalView(), v -> {
            StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "max %.1f degC ", v.maxTemperature()));
            for (int i = 0; i < Math.min(v.sensors(), 6); i++) {
                sb.append(String.format(Locale.ROOT, " %.1f", v.temperature(i)));
            }
            return sb.toString();
        }, options));
    }

    /**
     * The arm's tool (the last frame of the kinematics driver's tree) in the world: the transforms composed from the
     * root, each one's translation rotated by the rotations before it.
     */
    static String tool(TransformsView v) {
        double[] position = new double[Quaternions.VECTOR];
        double[] rotation = {0, 0, 0, 1};
        double[] step = new double[Quaternions.VECTOR];
        double[] transforms = v.translation(new double[TransformsView.TRANSLATION_COUNT]);
        double[] rotations = v.rotation(new double[TransformsView.ROTATION_COUNT]);
        for (int t = 0; t < TransformsView.TRANSLATION_COUNT / Quaternions.VECTOR; t++) {
            Quaternions.rotate(rotation, 0, transforms, t * Quaternions.VECTOR, step, 0);
            for (int c = 0; c < Quaternions.VECTOR; c++) {
                position[c] += step[c];
            }
            Quaternions.multiply(rotation, 0, rotations, t * Quaternions.SIZE, rotation, 0);
        }
        return String.format(Locale.ROOT, "tool at %+6.3f %+6.3f %+6.3f m%s", position[0], position[1], position[2],
                v.sourceIndex() < 0 ? "  (zero pose: no joint angles yet)" : "  from arm #" + v.sourceIndex());
    }

    /** One frame of text: a title line, a header and a row per region. */
    public String frame() {
        long now = System.nanoTime();
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "shmtel demo: newest samples, redrawn %d times a second (Ctrl-C stops)%n",
                FRAME_RATE_HZ));
        sb.append(String.format(Locale.ROOT, "%-13s %-11s %8s  %-10s %s%n", "REGION", "WRITER", "RATE", "SAMPLE",
                "VALUES"));
        for (Row<?> row : rows) {
            sb.append(row.render(now)).append('\n');
        }
        return sb.toString();
    }

    /**
     * Draws frames until interrupted (or {@code frames} of them); in place on a terminal, one after another otherwise.
     */
    public void run(PrintStream out, long frames, boolean inPlace) throws InterruptedException {
        long periodMs = 1000 / FRAME_RATE_HZ;
        for (long n = 0; n < frames; n++) {
            String frame = frame();
            out.print(inPlace ? "\033[H\033[2J" + frame : frame + "\n");
            out.flush();
            Thread.sleep(periodMs);
        }
    }

    /** {@code DemoRenderer [FRAMES]}: regions demo.* in $SHMTEL_DIR (or /dev/shm). */
    public static void main(String[] args) throws InterruptedException {
        LogFormat.installUnlessConfigured(); // warnings on one line, below the table
        long frames = args.length > 0 ? Long.parseLong(args[0]) : Long.MAX_VALUE;
        DemoRenderer renderer = new DemoRenderer("demo.", RegionOptions.defaults());
        renderer.run(System.out, frames, System.console() != null);
    }
}
