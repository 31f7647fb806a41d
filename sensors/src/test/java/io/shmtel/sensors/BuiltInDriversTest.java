package io.shmtel.sensors;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Every built-in driver type: a distinct name, and its row in docs/deployment.md's driver table naming each of its
 * parameters.
 */
class BuiltInDriversTest {

    @Test
    void everyTypeHasADistinctNameAndARowInTheDocsNamingItsParameters() throws Exception {
        List<String> lines = Files.readAllLines(Path.of("..", "docs", "deployment.md"));
        List<String> doc = lines.subList(lines.indexOf("### Built-in driver types"), lines.size());
        Set<String> names = BuiltInDrivers.all().stream().map(DriverFactory::type).collect(Collectors.toSet());
        assertThat(names).hasSameSizeAs(BuiltInDrivers.all());
        for (DriverFactory f : BuiltInDrivers.all()) {
            String row = doc.stream().filter(l -> l.startsWith("| `" + f.type() + "` |")).findFirst().orElse(null);
            assertThat(row).as("the row of driver type %s in docs/deployment.md", f.type()).isNotNull();
            for (DriverParameter p : f.parameters()) {
                assertThat(row).as("driver type %s's row", f.type()).contains("`" + p.name() + "`");
            }
            assertThat(f.description()).as(f.type()).isNotBlank();
        }
    }
}
