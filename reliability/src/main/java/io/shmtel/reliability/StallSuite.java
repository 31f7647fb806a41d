package io.shmtel.reliability;

import io.shmtel.core.Subscriber;
import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.region.WriterState;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import java.io.IOException;
import java.nio.ByteOrder;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.TimeUnit;

/**
 * Stall and pid reuse: SIGSTOP gives STALLED (the lock is still held), SIGCONT gives LIVE again;
 * a dead writer whose header names a live process (its pid reused, start time included) is still
 * WRITER_DEAD, because the kernel lock, not the pid, is the authority; and the next writer takes over.
 */
public final class StallSuite {
    private StallSuite() {}

    public static SuiteResult run(Path dir) throws Exception {
        SuiteResult result = new SuiteResult("stall");
        RegionOptions options = Worker.options(dir);
        try (Subscriber s = Subscriber.open("stall", TortureSample.RECORD, options);
                Child writer = Child.start("publish", dir.toString(), "stall", "60")) {
            writer.await("ready");
            result.check(WriterWatch.awaitState(s, WriterState.LIVE, TimeUnit.SECONDS.toNanos(2)) >= 0, "not LIVE");
            writer.signal("STOP");
            long stalled = WriterWatch.awaitState(s, WriterState.STALLED, TimeUnit.SECONDS.toNanos(3));
            result.check(stalled >= 0, "SIGSTOP: state %s, expected STALLED", s.state());
            Thread.sleep(300);
            result.check(s.state() == WriterState.STALLED, "a stopped writer became %s after 300 ms", s.state());
            writer.signal("CONT");
            long live = WriterWatch.awaitState(s, WriterState.LIVE, TimeUnit.SECONDS.toNanos(3));
            result.check(live >= 0, "SIGCONT: state %s, expected LIVE", s.state());
            result.figure("SIGSTOP to STALLED %d ms (stalled after %d heartbeat periods of 20 ms); SIGCONT to LIVE "
                    + "%.1f ms",
                    stalled / 1_000_000, options.stalledAfterPeriods(), live / 1e6);
        } finally {
            Region.unlink("stall", options);
        }

        // pid reuse: the header of a dead writer's region names a live process with its real start time
        Process impostor = new ProcessBuilder("sleep", "60").start();
        try (Subscriber s = Subscriber.open("reused", TortureSample.RECORD, options)) {
            try (Child writer = Child.start("publish", dir.toString(), "reused", "60")) {
                writer.await("ready");
                WriterWatch.awaitEpoch(s, 0, TimeUnit.SECONDS.toNanos(5));
                writer.kill();
                writer.waitExit(10);
            }
            WriterWatch.awaitState(s, WriterState.WRITER_DEAD, TimeUnit.SECONDS.toNanos(2));
            int pid = (int) impostor.pid();
            long startTime = ProcessInfo.startTime(pid);
            plantWriter(options.regionDirectory().file("reused"), pid, startTime);
            result.check(ProcessInfo.isAlive(pid, startTime), "the impostor process %d is not alive", pid);
            result.check(s.region().writerPid() == pid, "header pid %d, planted %d", s.region().writerPid(), pid);
            Thread.sleep(100); // several heartbeat periods: a pid-based check would now say LIVE or STALLED
            WriterState state = s.state();
            result.check(state == WriterState.WRITER_DEAD,
                    "header names live pid %d (start time %d): state %s, expected"
                    + " WRITER_DEAD", pid, startTime, state);
            long epoch = s.epoch();
            try (Child next = Child.start("publish", dir.toString(), "reused", "60")) {
                String ready = next.await("ready");
                result.check(ready.startsWith("ready epoch=" + (epoch + 1)), "the next writer said '%s', expected a"
                        + " takeover at epoch %d", ready, epoch + 1);
                result.check(WriterWatch.awaitEpoch(s, epoch, TimeUnit.SECONDS.toNanos(2)) >= 0,
                        "the subscriber did not follow the writer after the impostor");
            }
            result.figure("dead writer's header naming live pid %d (same start time): WRITER_DEAD; next writer took "
                    + "over"
                    + " at epoch %d", pid, epoch + 1);
        } finally {
            impostor.destroyForcibly();
            Region.unlink("reused", options);
        }
        return result;
    }

    /** Writes another process's pid and start time into a region header, as if that pid had been reused. */
    static void plantWriter(Path file, int pid, long startTime) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            MappedByteBuffer b = ch.map(FileChannel.MapMode.READ_WRITE, 0, RegionHeaderDescriptor.PAGE_LENGTH);
            b.order(ByteOrder.LITTLE_ENDIAN);
            b.putInt(RegionHeaderDescriptor.WRITER_PID_OFFSET, pid);
            b.putLong(RegionHeaderDescriptor.WRITER_START_TIME_OFFSET, startTime);
            b.putInt(RegionHeaderDescriptor.STATE_OFFSET, RegionHeaderDescriptor.STATE_LIVE);
            b.putLong(RegionHeaderDescriptor.HEARTBEAT_OFFSET, System.nanoTime());
            b.force();
        }
    }
}
