package io.shmtel.tools;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.core.region.ShmDirectory;
import io.shmtel.core.view.DynamicWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A region filled by one driver from a schema of several records (the demo's demo.cpu: schema
 * system, record cpu): ls, top, stat and serve show what it publishes, not the records it never fills.
 */
class UnpublishedRecordsTest {
    static final Layout SYSTEM = LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/system.json")));
    Path dir;

    @BeforeEach
    void createDir() {
        dir = ShmDirectory.create();
    }

    @AfterEach
    void removeDir() throws IOException {
        ShmDirectory.delete(dir);
    }

    CliTest.Result shmtel(String... args) {
        String[] withDir = new String[args.length + 1];
        withDir[0] = args[0];
        withDir[1] = "--dir=" + dir;
        System.arraycopy(args, 1, withDir, 2, args.length - 1);
        return CliTest.run(withDir);
    }

    static void publish(Publisher p, String record, int samples) {
        DynamicWriter w = new DynamicWriter(p.sink(record), p.layout().record(record).orElseThrow());
        for (int i = 0; i < samples; i++) {
            w.commit();
        }
    }

    String lsRow(String... options) {
        String[] args = new String[options.length + 1];
        args[0] = "ls";
        System.arraycopy(options, 0, args, 1, options.length);
        CliTest.Result ls = shmtel(args);
        assertThat(ls.code()).as(ls.err()).isZero();
        assertThat(ls.out().lines().toList()).hasSize(2);
        return ls.out().lines().toList().get(1);
    }

    @Test
    void lsLeavesOutRecordsNeverPublishedWhenOthersAreUnlessAllRecords() {
        try (Publisher cpu = Publisher.create("cpu", SYSTEM, ShmDirectory.options(dir))) {
            assertThat(lsRow()).as("nothing published yet: every record, at 0")
                    .endsWith("  cpu(0), memory(0), thermal(0)");
            publish(cpu, "cpu", 3);
            assertThat(lsRow()).startsWith("cpu ").endsWith("  cpu(3) +2 unpublished");
            assertThat(lsRow("--all-records")).endsWith("  cpu(3), memory(0), thermal(0)");
            publish(cpu, "thermal", 1);
            assertThat(lsRow()).endsWith("  cpu(3), thermal(1) +1 unpublished");
            CliTest.Result json = shmtel("ls", "--json");
            assertThat(json.out()).as("--json: every record with its count").contains(
                    "\"records\":[{\"name\":\"cpu\",\"published\":3},{\"name\":\"memory\",\"published\":0},"
                            + "{\"name\":\"thermal\",\"published\":1}]");
        }
    }

    @Test
    void serveAdvertisesARecordOnceItHasPublishedUnlessAllRecords() {
        try (Publisher sys = Publisher.create("sys", SYSTEM, ShmDirectory.options(dir))) {
            CliTest.Result none = shmtel("serve", "--port", "0", "--duration", "0.6");
            assertThat(none.code()).as(none.err()).isZero();
            assertThat(none.err()).as("nothing published: no channel").doesNotContain("advertised");
            CliTest.Result all = shmtel("serve", "--port", "0", "--duration", "0.6", "--all-records");
            assertThat(all.code()).as(all.err()).isZero();
            assertThat(all.err()).contains("advertised sys (3 channels, epoch 1)");
            publish(sys, "memory", 2);
            CliTest.Result one = shmtel("serve", "--port", "0", "--duration", "0.6");
            assertThat(one.code()).as(one.err()).isZero();
            assertThat(one.err()).contains("advertised sys (1 channel, epoch 1)");
        }
    }

    /** top's rows (after its two heading lines) of one refresh. */
    List<String> topRows(String... options) {
        String[] args = new String[options.length + 3];
        args[0] = "top";
        args[1] = "--count";
        args[2] = "1";
        System.arraycopy(options, 0, args, 3, options.length);
        CliTest.Result top = shmtel(args);
        assertThat(top.code()).as(top.err()).isZero();
        List<String> lines = top.out().lines().filter(l -> !l.isBlank()).toList();
        return lines.subList(2, lines.size());
    }

    @Test
    void topLeavesOutRecordsNeverPublishedWhenOthersAreUnlessAllRecords() {
        try (Publisher cpu = Publisher.create("cpu", SYSTEM, ShmDirectory.options(dir))) {
            assertThat(topRows()).as("nothing published yet: every record").extracting(TOP_RECORD)
                    .containsExactly("cpu", "memory", "thermal");
            publish(cpu, "cpu", 3);
            assertThat(topRows()).extracting(TOP_RECORD).containsExactly("cpu", "+2 unpublished");
            assertThat(topRows().get(0)).startsWith("cpu ").contains(" 3 ");
            assertThat(topRows("--all-records")).extracting(TOP_RECORD).containsExactly("cpu", "memory", "thermal");
            publish(cpu, "thermal", 1);
            assertThat(topRows()).extracting(TOP_RECORD).containsExactly("cpu", "thermal", "+1 unpublished");
        }
    }

    /** The RECORD column of a top row (after the 22-character REGION column). */
    static final Function<String, String> TOP_RECORD = row -> row.substring(23, 37).strip();

    @Test
    void statOfARegionMeasuresTheRecordsItPublishesUnlessAllRecordsOrNamed() {
        try (Publisher cpu = Publisher.create("cpu", SYSTEM, ShmDirectory.options(dir))) {
            publish(cpu, "cpu", 3);
            assertThat(statRecords("cpu")).containsExactly("cpu");
            assertThat(statRecords()).as("every region").containsExactly("cpu");
            assertThat(statRecords("cpu", "--all-records")).containsExactly("cpu", "memory", "thermal");
            assertThat(statRecords("cpu/memory")).as("a record named is measured").containsExactly("memory");
        }
    }

    /** The records one stat --json report measures. */
    List<String> statRecords(String... args) {
        List<String> all = new ArrayList<>(List.of("stat", "--count", "1", "--interval", "0.1", "--json"));
        all.addAll(List.of(args));
        CliTest.Result stat = shmtel(all.toArray(String[]::new));
        assertThat(stat.code()).as(stat.err()).isZero();
        return stat.out().lines().map(l -> l.replaceAll(".*\"record\":\"([^\"]*)\".*", "$1")).toList();
    }
}
