package io.shmtel.core.view;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.ring.RingGeometry;
import io.shmtel.core.ring.RingReader;
import io.shmtel.core.ring.RingWriter;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.FieldLayout;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.layout.RecordLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** How a sample prints (text and JSON), as echo, record, serve and the logs show it. */
class DynamicViewTextTest {
    static final Layout ALL_TYPES =
            LayoutCompiler.compile(SchemaParser.parse(Path.of("../schema/examples/all_types.json")));
    static final RecordLayout EVERY = ALL_TYPES.record("every_type").orElseThrow();

    static DynamicView sample(String... sets) {
        ByteBuffer region = ByteBuffer.allocateDirect((int) ALL_TYPES.regionLength()).order(ByteOrder.LITTLE_ENDIAN);
        RingWriter ring = new RingWriter(region, RingGeometry.of(EVERY));
        DynamicWriter writer = new DynamicWriter(ring, EVERY);
        for (String set : sets) {
            int eq = set.indexOf('=');
            writer.set(set.substring(0, eq), set.substring(eq + 1));
        }
        writer.commit();
        ByteBuffer slot = ByteBuffer.allocate(EVERY.slotLength()).order(ByteOrder.LITTLE_ENDIAN);
        new RingReader(region, RingGeometry.of(EVERY)).readLatest(slot);
        return new DynamicView(EVERY).wrap(slot, 0);
    }

    @Test
    void f32PrintsAtFloatPrecisionAndF64AtDouble() {
        DynamicView view = sample("gain=0.1", "floats=0.1,0.2,0.3", "value=0.1", "doubles=0.1,0.7");
        String text = view.appendText(new StringBuilder()).toString();
        assertThat(text).contains(" gain=0.1 ", " value=0.1 m ", " floats=[0.1, 0.2, 0.3]", " doubles=[0.1, 0.7]")
                .doesNotContain("0.1000000", "0.2000000", "0.3000000", "0.2999999");
        String json = view.appendJsonFields(new StringBuilder()).toString();
        assertThat(json).contains("\"gain\":0.1,", "\"value\":0.1,", "\"floats\":[0.1,0.2,0.3]",
                "\"doubles\":[0.1,0.7]");
    }

    @Test
    void chosenFieldsAndCutArrays() {
        DynamicView view = sample("bytes=1,2,3,4,5", "mode=RUN", "label=hi");
        List<FieldLayout> fields = List.of(view.field("bytes"), view.field("mode"), view.field("label"));
        assertThat(view.appendText(new StringBuilder(), fields, 2).toString())
                .isEqualTo("every_type #0 bytes=[1, 2, ... 3 more] mode=RUN label=\"hi\"");
        assertThat(view.appendText(new StringBuilder(), fields, 0).toString()).contains("bytes=[... 5 more]");
        assertThat(view.appendText(new StringBuilder(), fields, 5).toString()).contains("bytes=[1, 2, 3, 4, 5] ");
        assertThat(view.appendJsonFields(new StringBuilder(), fields, 2).toString())
                .isEqualTo("\"bytes\":[1,2],\"mode\":\"RUN\",\"label\":\"hi\"");
    }
}
