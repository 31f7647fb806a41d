package io.shmtel.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every property a SPIN model of spec/ checks is named in format.md's conformance checklist, so an
 * implementer reading a rule there finds the property that proves it (issue 23: "each rule the model
 * checks names its property"). Needs no spin: it reads the models' text.
 */
class ModelPropertiesDocumentedTest {
    /** A property variable: {@code hidden byte NAME} (spec/README.md: properties are assertions on variables). */
    private static final Pattern PROPERTY = Pattern.compile("^hidden\\s+byte\\s+([a-z_]+)", Pattern.MULTILINE);
    private static final String CHECKLIST = "## Conformance checklist for implementers";

    /** Property variables that check the model, not a rule of the protocol, with the reason. */
    private static final Map<String, String> NOT_RULES = Map.of(
            "index_bound", "ring.pml's own bound on the indexes it can represent",
            "newest_readable", "ring.pml's -DCHECK_NEWEST_READABLE check, which rule R1 is documented to fail (an"
                    + " availability cost, format.md 'Creating, taking over and opening')");

    @Test
    void everyPropertyAModelChecksIsNamedInTheConformanceChecklist() throws IOException {
        Path spec = SpinModelTest.specDirectory();
        String format = Files.readString(spec.resolveSibling("docs").resolve("format.md"));
        assertThat(format).contains(CHECKLIST);
        String checklist = format.substring(format.indexOf(CHECKLIST));
        List<String> properties = new ArrayList<>();
        List<String> unnamed = new ArrayList<>();
        try (Stream<Path> files = Files.list(spec)) {
            for (Path model : files.filter(p -> p.toString().endsWith(".pml")).sorted().toList()) {
                Matcher m = PROPERTY.matcher(Files.readString(model));
                while (m.find()) {
                    String name = m.group(1);
                    properties.add(model.getFileName() + " " + name);
                    if (!NOT_RULES.containsKey(name) && !checklist.contains("`" + name + "`")) {
                        unnamed.add(model.getFileName() + " " + name);
                    }
                }
            }
        }
        assertThat(properties).as("property variables found in " + spec).isNotEmpty();
        assertThat(properties).as("the exemptions are model properties").anySatisfy(p -> p.endsWith(" index_bound"))
                .anySatisfy(p -> p.endsWith(" newest_readable"));
        assertThat(unnamed).as("properties not named (as `name`) in format.md's conformance checklist; name each"
                + " beside the rule it proves").isEmpty();
    }
}
