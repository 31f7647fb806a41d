package io.shmtel.tools;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.shmtel.core.Publisher;
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
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "replay", description = {"Publishes the samples of an MCAP file written by 'shmtel record' back into regions.",
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

    @Option(names = "--rate", paramLabel = "X", defaultValue = "1", converter = OptionValues.Factor.class, description = "Speed factor (default 1: original timing).")
    double rate;

    @Option(names = "--loop", description = "Start again at the end (until Ctrl-C).")
    boolean loop;

    @Option(names = "--region-prefix", paramLabel = "P", defaultValue = "",
            description = "Prefix of the replayed regions' names (default: the recorded names).")
    String prefix;

    /** Where one channel's messages go. */
    record Target(Publisher publisher, DynamicWriter writer, RecordLayout record) {}

    @Override
    public Integer call() throws IOException {
        PrintWriter err = spec.commandLine().getErr();
        McapReader.Contents contents = McapReader.read(file);
        Map<String, Publisher> publishers = new LinkedHashMap<>();
        Map<Integer, Target> targets = new HashMap<>();
        ObjectMapper json = new ObjectMapper();
        try {
            for (McapReader.Channel c : contents.channels().values()) {
                String schemaText = c.metadata().get("shmtel.schema");
                if (schemaText == null || !c.messageEncoding().equals("json")) {
                    err.println("replay: skipping channel " + c.topic() + ": not recorded by shmtel record");
                    continue;
                }
                Layout layout = LayoutCompiler.compile(SchemaParser.parse(schemaText, file + " channel " + c.topic()));
                String regionName = prefix + c.metadata().get("shmtel.region");
                RecordLayout record = layout.record(c.metadata().get("shmtel.record")).orElseThrow(() ->
                        new IOException(file + ": channel " + c.topic() + " names a record its schema lacks"));
                Publisher p = publishers.computeIfAbsent(regionName, n -> Publisher.create(n, layout, region.options()));
                targets.put(c.id(), new Target(p, new DynamicWriter(p.sink(record.name()), record), record));
            }
            if (targets.isEmpty() || contents.messages().isEmpty()) {
                err.println("replay: nothing to replay in " + file);
                return ExitCodes.INVALID_INPUT;
            }
            err.printf("replaying %d samples into %s at %sx%s%n", contents.messages().size(), publishers.keySet(), rate,
                    loop ? ", looping" : "");
            long total = contents.messages().size();
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
                    fill(t.writer(), t.record(), json.readTree(m.data()));
                    t.writer().commit();
                    done++;
                    int percent = (int) (100 * done / total);
                    if (percent / 10 != lastPercent / 10) {
                        lastPercent = percent;
                        err.printf("replay [%-10s] %3d %% (%d of %d)%n", "#".repeat(percent / 10), percent, done, total);
                        err.flush();
                    }
                }
            } while (loop);
            return ExitCodes.OK;
        } finally {
            publishers.values().forEach(Publisher::close);
        }
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
                } else if (f.type() == FieldType.F32 || f.type() == FieldType.F64) {
                    w.setDouble(f, i, e.isTextual() ? Double.parseDouble(e.asText()) : e.doubleValue());
                } else {
                    w.setLong(f, i, e.longValue());
                }
            }
        }
    }
}
