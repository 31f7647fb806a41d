package io.shmtel.tools;

import io.shmtel.core.region.ProcessInfo;
import io.shmtel.core.region.Region;
import io.shmtel.core.ring.MailboxWords;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.Sleepers;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Fingerprint;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.RecordBlockDescriptor;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.schema.layout.RegionHeaderDescriptor;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "inspect", description = {"Decodes a region: header, writer, record table, layout and embedded schema.",
        "Example: shmtel inspect demo.arm"})
final class InspectCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Parameters(paramLabel = "REGION", description = "Region name.")
    String name;

    @Option(names = "--json", description = "One JSON object.")
    boolean json;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        try (Region r = Region.open(name, region.options())) {
            RegionSummary s = RegionSummary.of(r);
            out.println(json ? json(s) : text(s));
        }
        return ExitCodes.OK;
    }

    private static String text(RegionSummary s) {
        Region r = s.region();
        Layout l = r.layout();
        int version = r.buffer().getInt(RegionHeaderDescriptor.VERSION_OFFSET);
        boolean alive = ProcessInfo.isAlive(r.writerPid(), r.writerStartTime());
        StringBuilder sb = new StringBuilder();
        sb.append("region ").append(r.name()).append(" (").append(r.file()).append(")\n");
        sb.append(String.format("  file       %d bytes, mode 0%o, owner uid %d, inode %d%n", r.stat().size(),
                r.stat().permissions(), r.stat().uid(), r.stat().inode()));
        sb.append(String.format("  format     %d.%d, header %d bytes, region %d bytes%n",
                RegionHeaderDescriptor.major(version),
                RegionHeaderDescriptor.minor(version), l.headerLength(), l.regionLength()));
        sb.append(String.format("  layout     %s, schema \"%s\" version %d%n", Fingerprint.hex(l.fingerprint()),
                l.schemaName(), l.schemaVersion()));
        sb.append(String.format("  writer     pid %d (%s), started %d ticks after boot, epoch %d%n", r.writerPid(),
                alive ? "running" : "not running", r.writerStartTime(), r.epoch()));
        sb.append(String.format("  state      %s%n", s.state()));
        sb.append(String.format("  heartbeat  every %s, last %s ago%n",
                RegionSummary.formatAge(r.heartbeatPeriodNs() / 1e6),
                RegionSummary.formatAge(s.heartbeatAgeMs())));
        for (RecordLayout rec : l.records()) {
            sb.append(String.format("  record %s: published %d, depth %d, slot %d bytes, payload %d bytes, block at %d"
                    + " (%d bytes), fingerprint %s%s%n", rec.name(), s.published()[rec.index()], rec.depth(),
                    rec.slotLength(), rec.payloadLength(), rec.blockOffset(), rec.blockLength(),
                    Fingerprint.hex(rec.fingerprint()), rec.rateHz() > 0 ? ", nominal " + rec.rateHz() + " Hz" : ""));
            if (r.flushedAtEpochNs() != 0) {
                sb.append(String.format("    on storage: %d samples as of the last flush (%s)%n",
                        r.flushedSamples(rec.index()),
                        Instant.ofEpochSecond(0, r.flushedAtEpochNs())));
            }
            if (rec.isMailbox()) {
                RingGeometry g = RingGeometry.of(rec);
                long word = MailboxWords.word(r.buffer(), g);
                int holder = MailboxWords.state(word) == RecordBlockDescriptor.MAILBOX_READING
                        ? MailboxWords.holder(word) : 0;
                sb.append(String.format("    mailbox: %s%s, answered %d, answered CONSUMER_DIED %d%s%n",
                        MailboxWords.stateName(MailboxWords.state(word)), holder != 0 ? " by pid " + holder : "",
                        MailboxWords.answered(r.buffer(), g), MailboxWords.recovered(r.buffer(), g),
                        MailboxWords.state(word) == RecordBlockDescriptor.MAILBOX_ERROR
                                ? ", code " + MailboxWords.code(r.buffer(), g) + " not read by the writer yet" : ""));
            }
            List<Integer> sleepers = sleeperPids(r, rec);
            if (!sleepers.isEmpty()) {
                sb.append(String.format("    readers asleep: %d (pid %s)%n", sleepers.size(),
                        sleepers.stream().map(String::valueOf).collect(Collectors.joining(", "))));
            }
            for (FieldLayout f : rec.fields()) {
                String type = f.type().schemaName() + (f.isArray() ? "[" + f.count() + "]" : "")
                        + (f.length() > 0 ? "[" + f.length() + "]" : "")
                                + (f.isEnum() ? " enum " + f.enumConstants() : "");
                sb.append(String.format("    %6d %5d  %-14s %s%s%n", f.offset(), f.sizeBytes(), type, f.name(),
                        f.unit().isEmpty() ? "" : " [" + f.unit() + "]"));
            }
        }
        sb.append("  schema     ").append(l.canonicalJson());
        return sb.toString();
    }

    /** Pids of the readers asleep on a record now (wake-on-publish sleeper slots whose bit is set). */
    static List<Integer> sleeperPids(Region r, RecordLayout rec) {
        RingGeometry g = RingGeometry.of(rec);
        int mask = Sleepers.mask(r.buffer(), g);
        List<Integer> pids = new ArrayList<>();
        for (int slot = 0; slot < RecordBlockDescriptor.SLEEPER_SLOTS; slot++) {
            if ((mask & (1 << slot)) != 0) {
                pids.add(Sleepers.owner(r.buffer(), g, slot));
            }
        }
        return pids;
    }

    private static String json(RegionSummary s) {
        Region r = s.region();
        Layout l = r.layout();
        int version = r.buffer().getInt(RegionHeaderDescriptor.VERSION_OFFSET);
        return Json.object(g -> {
            g.writeStringField("name", r.name());
            g.writeStringField("file", r.file().toString());
            g.writeNumberField("fileBytes", r.stat().size());
            g.writeStringField("mode", "0" + Integer.toOctalString(r.stat().permissions()));
            g.writeNumberField("ownerUid", r.stat().uid());
            g.writeStringField("format", RegionHeaderDescriptor.major(version) + "."
                    + RegionHeaderDescriptor.minor(version));
            g.writeNumberField("headerLength", l.headerLength());
            g.writeNumberField("regionLength", l.regionLength());
            g.writeStringField("fingerprint", Fingerprint.hex(l.fingerprint()));
            g.writeStringField("schema", l.schemaName());
            g.writeNumberField("schemaVersion", l.schemaVersion());
            g.writeNumberField("writerPid", r.writerPid());
            g.writeBooleanField("writerRunning", ProcessInfo.isAlive(r.writerPid(), r.writerStartTime()));
            g.writeNumberField("writerStartTime", r.writerStartTime());
            g.writeNumberField("epoch", r.epoch());
            g.writeStringField("state", s.state().name());
            g.writeNumberField("heartbeatPeriodNs", r.heartbeatPeriodNs());
            g.writeNumberField("flushedAtEpochNs", r.flushedAtEpochNs());
            g.writeNumberField("heartbeatAgeMs", Math.round(s.heartbeatAgeMs() * 1000) / 1000.0);
            g.writeArrayFieldStart("records");
            for (RecordLayout rec : l.records()) {
                g.writeStartObject();
                g.writeStringField("name", rec.name());
                g.writeNumberField("published", s.published()[rec.index()]);
                g.writeNumberField("flushed", r.flushedSamples(rec.index()));
                g.writeStringField("sync", rec.sync().schemaName());
                if (rec.isMailbox()) {
                    RingGeometry mg = RingGeometry.of(rec);
                    long word = MailboxWords.word(r.buffer(), mg);
                    g.writeObjectFieldStart("mailbox");
                    g.writeStringField("state", MailboxWords.stateName(MailboxWords.state(word)));
                    g.writeNumberField("holderPid", MailboxWords.state(word) == RecordBlockDescriptor.MAILBOX_READING
                            ? MailboxWords.holder(word) : 0);
                    g.writeNumberField("code", MailboxWords.code(r.buffer(), mg));
                    g.writeNumberField("answered", MailboxWords.answered(r.buffer(), mg));
                    g.writeNumberField("consumerDied", MailboxWords.recovered(r.buffer(), mg));
                    g.writeEndObject();
                }
                g.writeArrayFieldStart("sleeperPids");
                for (int pid : sleeperPids(r, rec)) {
                    g.writeNumber(pid);
                }
                g.writeEndArray();
                g.writeNumberField("depth", rec.depth());
                g.writeNumberField("slotLength", rec.slotLength());
                g.writeNumberField("payloadLength", rec.payloadLength());
                g.writeNumberField("blockOffset", rec.blockOffset());
                g.writeNumberField("blockLength", rec.blockLength());
                g.writeStringField("fingerprint", Fingerprint.hex(rec.fingerprint()));
                g.writeArrayFieldStart("fields");
                for (FieldLayout f : rec.fields()) {
                    g.writeStartObject();
                    g.writeStringField("name", f.name());
                    g.writeStringField("type", f.type().schemaName());
                    g.writeNumberField("offset", f.offset());
                    g.writeNumberField("sizeBytes", f.sizeBytes());
                    if (f.isArray()) {
                        g.writeNumberField("count", f.count());
                    }
                    if (f.length() > 0) {
                        g.writeNumberField("length", f.length());
                    }
                    if (!f.unit().isEmpty()) {
                        g.writeStringField("unit", f.unit());
                    }
                    if (f.isEnum()) {
                        g.writeObjectFieldStart("enum");
                        for (var e : f.enumConstants().entrySet()) {
                            g.writeNumberField(e.getKey(), e.getValue());
                        }
                        g.writeEndObject();
                    }
                    g.writeEndObject();
                }
                g.writeEndArray();
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeStringField("schemaText", l.canonicalJson());
        });
    }
}
