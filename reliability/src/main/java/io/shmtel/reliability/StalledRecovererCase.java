package io.shmtel.reliability;

import io.shmtel.core.MailboxReceiver;
import io.shmtel.core.MailboxSender;
import io.shmtel.core.Publisher;
import io.shmtel.core.fault.CrashPoint;
import io.shmtel.core.region.Region;
import io.shmtel.core.region.RegionOptions;
import io.shmtel.core.view.DynamicView;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The crash suite's mailbox case: a recoverer stopped (SIGSTOP) between finding a consumer dead and
 * its first store, while the writer recovers the message itself and a new consumer answers the next
 * one; the resumed recoverer must not overwrite that answer (format.md, rule R4).
 */
final class StalledRecovererCase {
    private StalledRecovererCase() {}

    /**
     * A mailbox consumer (a JVM) killed holding message 0; a recoverer JVM finds it dead and stops
     * (SIGSTOP at the stall point {@value CrashPoint#MAILBOX_RECOVERING}) before its first store. Meanwhile the
     * writer recovers message 0 itself, puts message 1, and a consumer answers it error 5. The stalled
     * recoverer then goes on: it must change nothing (rule R4), so the writer reads 5, not CONSUMER_DIED.
     */
    static void run(Path dir, RegionOptions options, SuiteResult result) throws Exception {
        String name = "crash-stalled-recoverer";
        String what = "stalled recoverer";
        List<String> c1 = List.of("-XX:TieredStopAtLevel=1");
        try (Publisher publisher = Publisher.create(name, Worker.MAILBOX_LAYOUT, options)) {
            RecordLayout record = Worker.MAILBOX_LAYOUT.record(Worker.MAILBOX_RECORD).orElseThrow();
            MailboxSender sender = publisher.mailbox(Worker.MAILBOX_RECORD);
            ByteBuffer payload = ByteBuffer.allocateDirect(record.payloadLength()).order(ByteOrder.LITTLE_ENDIAN);
            sender.offer(payload.putLong(0, 100), record.payloadLength(), System.nanoTime());
            try (Child holder = Child.start(c1, "mbox-hold", dir.toString(), name)) {
                String line = holder.await("holding");
                result.check(line.equals("holding 0"), "%s: the consumer said \"%s\", expected holding 0", what, line);
                holder.kill();
                holder.waitExit(10);
            }
            List<String> stall = new ArrayList<>(c1);
            stall.add("-D" + CrashPoint.STOP_PROPERTY + "=" + CrashPoint.MAILBOX_RECOVERING);
            try (Child stalled = Child.start(stall, "mbox-recover", dir.toString(), name)) {
                if (!stalled.awaitStopped(30)) {
                    stalled.kill();
                    result.check(false, "%s: the recoverer did not stop at %s: %s", what, CrashPoint.MAILBOX_RECOVERING,
                            stalled.rest());
                    return;
                }
                result.check(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5))
                        && sender.lastAnswerCode() == MailboxSender.CONSUMER_DIED,
                        "%s: the writer did not recover message 0 itself (answer %d)", what, sender.lastAnswerCode());
                result.check(sender.offer(payload.putLong(0, 101), record.payloadLength(), System.nanoTime()),
                        "%s: message 1 not put", what);
                try (MailboxReceiver consumer = MailboxReceiver.open(name, Worker.MAILBOX_RECORD, Worker.MAILBOX_LAYOUT,
                        options)) {
                    DynamicView view = new DynamicView(record);
                    if (result.check(consumer.poll(view) && view.sampleIndex() == 1, "%s: message 1 not taken", what)) {
                        consumer.fail(5);
                    }
                }
                stalled.signal("CONT");
                String line = stalled.await("recovered");
                result.check(line.equals("recovered false"), "%s: the resumed recoverer said \"%s\"", what, line);
                result.check(stalled.waitExit(20) == 0, "%s: the recoverer failed", what);
            }
            result.check(sender.awaitAnswer(TimeUnit.SECONDS.toNanos(5)) && sender.lastAnsweredMessage() == 1,
                    "%s: message 1 unanswered", what);
            result.check(sender.lastAnswerCode() == 5, "%s: the writer read %d for message 1, the consumer answered 5"
                    + " (a stale CONSUMER_DIED from the stalled recoverer)", what, sender.lastAnswerCode());
            result.figure("%s: resumed after message 0 was recovered and message 1 answered 5; the writer read %d",
                    what, sender.lastAnswerCode());
        } finally {
            Region.unlink(name, options);
        }
    }
}
