package io.shmtel.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shmtel.core.Publisher;
import io.shmtel.core.region.RegionDirectory;
import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.FieldType;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import io.shmtel.tools.mcap.McapReader;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "replay", description =
        {"Publishes the samples of an MCAP file written by 'shmtel record' back into regions.",
        "The regions are recreated from the schemas the file carries; samples go out at the original timing, or"
                + " --rate times faster.",
        "Example: shmtel replay run.mcap --region-prefix replay. --rate 2"})
final class ReplayCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RegionOptionsMixin region;

    @Parameters(paramLabel = "FILE.mcap", description = "A file written by shmtel record.")
    Path file;

    @Option(names = "--rate", paramLabel = "X", defaultValue = "1", converter = OptionValues.Factor.class,
            description = "Speed factor (default 1: original timing).")
    double rate;

    @Option(names = "--loop", description = "Start again at the end (until Ctrl-C).")
    boolean loop;

    @Option(names = "--region-prefix", paramLabel = "P", defaultValue = "",
            description = "Prefix of the replayed regions' names (default: the recorded names).")
    String prefix;

    /** Where one channel's messages go: the region, its layout and the record. */
    record Plan(String regionName, Layout layout, RecordLayout record) {}

    /** Where one channel's messages go, once its region exists. */
    record Target(Publisher publisher, DynamicWriter writer, RecordLayout record) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        // Everything is checked before anything is published: the file (lengths, CRCs), the schemas
        // it carries and every message, so a damaged file publishes nothing.
        McapReader.Contents contents = McapReader.read(file);
        ObjectMapper json = new ObjectMapper();
        Map<Integer, Plan> plans = new HashMap<>();
        List<String> derived = new ArrayList<>();
        for (McapReader.Channel c : contents.channels().values()) {
            if (c.metadata().containsKey(RecordCommand.DERIVED_KEY)) {
                derived.add(c.topic()); // a well-known message of a record: record derives it again from the region
                continue;
            }
            String schemaText = c.metadata().get("shmtel.schema");
            if (schemaText == null || !c.messageEncoding().equals("json")) {
                err.println("replay: skipping channel " + c.topic() + ": not recorded by shmtel record");
                continue;
            }
            for (String key : new String[] {"shmtel.region", "shmtel.record"}) {
                if (c.metadata().get(key) == null) {
                    throw new McapReader.McapFormatException(file, "channel " + c.topic() + " carries a shmtel schema"
                            + " but no " + key +
                                    " in its metadata: the file is damaged or was not written by shmtel record");
                }
            }
            Layout layout = LayoutCompiler.compile(SchemaParser.parse(schemaText, file + " channel " + c.topic()));
            RecordLayout record = layout.record(c.metadata().get("shmtel.record")).orElseThrow(() ->
                    new McapReader.McapFormatException(file, "channel " + c.topic() + " names record \""
                            + c.metadata().get("shmtel.record") + "\", which its schema lacks"));
            // before any is created
            String regionName = RegionDirectory.checkName(prefix + c.metadata().get("shmtel.region"));
            plans.put(c.id(), new Plan(regionName, layout, record));
        }
        if (plans.isEmpty() || contents.messages().isEmpty()) {
            err.println("replay: nothing to replay in " + file);
            return ExitCodes.INVALID_INPUT;
        }
        if (!derived.isEmpty()) {
            err.println("replay: " + derived.size() + " well-known channel" + (derived.size() == 1 ? "" : "s") + " "
                    + derived + " derived from the recorded records, not replayed (the replayed regions carry the"
                    + " mappings: serve and record make them again)");
        }
        check(contents, plans, json);
        Map<String, Publisher> publishers = new LinkedHashMap<>();
        Map<Integer, Target> targets = new HashMap<>();
        try {
            for (Map.Entry<Integer, Plan> e : plans.entrySet()) {
                Plan plan = e.getValue();
                Publisher p = publishers.computeIfAbsent(plan.regionName(),
                        n -> Publisher.create(n, plan.layout(), region.options()));
                targets.put(e.getKey(), new Target(p, new DynamicWriter(p.sink(plan.record().name()), plan.record()),
                        plan.record()));
            }
            // the derived well-known messages and skipped channels are not replayed: not counted either
            long total = contents.messages().stream().filter(m -> targets.containsKey(m.channelId())).count();
            err.printf("replaying %d samples into %s at %sx%s%n", total, publishers.keySet(), rate,
                    loop ? ", looping" : "");
            do {
                long first = contents.messages().get(0).publishTimeNs();
                long start = System.nanoTime();
                long done = 0;
                int lastPercent = -1;
                for (McapReader.Message m : contents.messages()) {
                    Target t = targets.get(m.channelId());
                    if (t == null) {
                        continue;
                    }
                    long due = start + (long) ((m.publishTimeNs() - first) / rate);
                    long wait;
                    while ((wait = due - System.nanoTime()) > 0) {
                        LockSupport.parkNanos(Math.min(wait, TimeUnit.MILLISECONDS.toNanos(50)));
                    }
                    fill(t.writer(), t.record(), json.readTree(m.dataStream()));
                    try {
                        t.writer().commit();
                    } catch (IllegalStateException closed) {
                        if (t.publisher().isClosed()) {
                            return ExitCodes.OK; // Ctrl-C: the publishers' shutdown hook closed the regions (CLOSED)
                        }
                        throw closed;
                    }
                    done++;
                    int percent = (int) (100 * done / total);
                    if (percent / 10 != lastPercent / 10) {
                        lastPercent = percent;
                        err.printf("replay [%-10s] %3d %% (%d of %d)%n", "#".repeat(percent / 10), percent, done,
                                total);
                        err.flush();
                    }
                }
            } while (loop);
            return ExitCodes.OK;
        } finally {
            publishers.values().forEach(Publisher::close);
        }
    }

    /**
     * Decodes every message of a replayed channel into a scratch ring as the replay will, so a
     * message that is not a JSON object or does not fit its record is refused before any is published.
     */
    private void check(McapReader.Contents contents, Map<Integer, Plan> plans, ObjectMapper json)
            throws McapReader.McapFormatException {
        Map<Integer, DynamicWriter> scratch = new HashMap<>();
        long n = 0;
        for (McapReader.Message m : contents.messages()) {
            n++;
            Plan plan = plans.get(m.channelId());
            if (plan == null) {
                continue;
            }
            String problem;
            try {
                JsonNode node = json.readTree(m.dataStream());
                if (node == null || !node.isObject()) {
                    problem = "is not a JSON object: found " + (node == null ? "nothing" : node.getNodeType());
                } else {
                    RecordLayout record = plan.record();
                    fill(scratch.computeIfAbsent(m.channelId(), id -> scratchWriter(record)), record, node);
                    continue;
                }
            } catch (IOException e) {
                problem = "is not a JSON object: " + e.getMessage().lines().findFirst().orElse("");
            } catch (RuntimeException e) {
                problem = "does not fit record " + plan.record().name() + ": " + e.getMessage();
            }
            throw new McapReader.McapFormatException(file, "message " + n + " (at byte " + m.offset() + ") of channel "
                    + contents.channels().get(m.channelId()).topic() + " " + problem + "; nothing was replayed");
        }
    }

    private static DynamicWriter scratchWriter(RecordLayout record) {
        RingGeometry g = new RingGeometry(0, 2, record.slotLength(), record.payloadLength());
        return new DynamicWriter(new RingWriter(ByteBuffer.allocateDirect((int) g.blockLength()), g), record);
    }

    /** Sets every field of the record from a JSON message as record writes them. */
    static void fill(DynamicWriter w, RecordLayout record, JsonNode message) {
        for (FieldLayout f : record.fields()) {
            JsonNode v = message.get(f.name());
            if (v == null || v.isNull()) {
                continue;
            }
            if (f.type() == FieldType.STRING) {
                w.setText(f, v.asText());
                continue;
            }
            for (int i = 0; i < (f.isArray() ? f.count() : 1); i++) {
                JsonNode e = f.isArray() ? v.get(i) : v;
                if (e == null) {
                    continue;
                }
                if (e.isTextual() && f.isEnum() && f.enumConstants().containsKey(e.asText())) {
                    w.setLong(f, i, f.enumConstants().get(e.asText()));
                } else if (e.isBoolean()) {
                    w.setLong(f, i, e.booleanValue() ? 1 : 0);
                } else if (f.type().isFloat()) {
                    w.setDouble(f, i, e.isTextual() ? Double.parseDouble(e.asText()) : e.doubleValue());
                } else {
                    w.setLong(f, i, e.longValue());
                }
            }
        }
    }
}
