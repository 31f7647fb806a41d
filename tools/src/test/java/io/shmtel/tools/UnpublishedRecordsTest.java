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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A region filled by one driver from a schema of several records (the demo's demo.cpu: schema
 * system, record cpu): ls and serve show what it publishes, not the records it never fills.
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
}
