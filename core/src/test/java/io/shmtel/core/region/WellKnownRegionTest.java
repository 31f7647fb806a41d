package io.shmtel.core.region;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.core.Publisher;
import io.shmtel.schema.SchemaParser;
import io.shmtel.schema.layout.Layout;
import io.shmtel.schema.layout.LayoutCompiler;
import io.shmtel.schema.testing.Examples;
import io.shmtel.schema.wellknown.WellKnownType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A record's well-known message mappings travel in the region: a reader that opens it by name (as serve and
 * record do) gets them from the embedded canonical schema, without the schema file.
 */
@ExtendWith(ShmDirectory.class)
@SuppressWarnings("try") // the publisher is held open only for its region
class WellKnownRegionTest {

    @Test
    void aReaderGetsTheMappingsFromTheRegionAlone(RegionOptions options) {
        Layout pose = LayoutCompiler.compile(SchemaParser.parse(Examples.example("pose.json")));
        assertThat(pose.records().get(0).wellKnown()).hasSize(4);
        try (Publisher publisher = Publisher.create("pose", pose, options);
                Region reader = Region.open("pose", options)) {
            assertThat(reader.layout().canonicalJson()).isEqualTo(pose.canonicalJson()).contains("\"wellKnown\":[");
            assertThat(reader.layout().records().get(0).wellKnown()).isEqualTo(pose.records().get(0).wellKnown());
            assertThat(reader.layout().records().get(0).wellKnown().get(0).type())
                    .isEqualTo(WellKnownType.POSE_IN_FRAME);
        }
    }
}
