package io.shmtel.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.shmtel.core.idle.IdleParameter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A deployment file's bridge entries take an {@code "idle"} object, parsed as a subscriber's (its errors are pinned
 * in {@code bad/bridge_idle.expected}); an entry without one has none (the bridge's default, blocking), and the
 * editors' JSON Schema accepts it.
 */
class BridgeIdleSpecTest {
    private static final Path FILE = DeploymentParserTest.DIR.resolve("bridge_idle.json");
    private static final long MAX_PARK_US = 500;

    @Test
    void eachBridgeEntryCarriesItsIdlePolicy() {
        Deployment d = DeploymentParser.parse(FILE, DeploymentParserTest.TYPES, Set.of());
        var bridges = d.node("network").orElseThrow().bridges();
        assertThat(bridges.get(0).idle().strategy()).isEqualTo("busy-spin");
        assertThat(bridges.get(0).idle().parameters()).isEmpty();
        assertThat(bridges.get(1).idle().strategy()).isEqualTo("backoff");
        assertThat(bridges.get(1).idle().parameters()).containsEntry(IdleParameter.MAX_PARK_US, MAX_PARK_US);
        assertThat(bridges.get(2).idle()).isNull();
    }

    @Test
    void theEditorsJsonSchemaAcceptsIt() throws IOException {
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
                .getSchema(Files.readString(Path.of("deployment.schema.json")), InputFormat.JSON);
        assertThat(schema.validate(Files.readString(FILE), InputFormat.JSON)).isEmpty();
        assertThat(schema.validate(Files.readString(DeploymentParserTest.DIR.resolve("bad/bridge_idle.json")),
                InputFormat.JSON)).isNotEmpty();
    }
}
