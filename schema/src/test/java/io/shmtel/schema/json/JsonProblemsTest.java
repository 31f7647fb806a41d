package io.shmtel.schema.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.shmtel.schema.SchemaProblem;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The shared collector of located JSON input problems: its wording is what schema and deployment errors show. */
class JsonProblemsTest {

    private static Node.ObjectNode object(JsonProblems problems, String json) {
        return (Node.ObjectNode) problems.read(json);
    }

    @Test
    void didYouMeanNamesTheClosestCandidateOrNothing() {
        assertThat(JsonProblems.didYouMean("f46", List.of("f32", "f64"))).isEqualTo("; did you mean \"f64\"?");
        assertThat(JsonProblems.didYouMean("zzzzzz", List.of("f32", "f64"))).isEmpty();
        assertThat(JsonProblems.didYouMean("joint_state")).isEqualTo("; did you mean \"joint_state\"?");
        assertThat(JsonProblems.didYouMean(null)).isEmpty();
    }

    @Test
    void unknownKeysAreLocatedAtTheKeyWithAHintAndTheAllowedKeys() {
        JsonProblems problems = new JsonProblems("f.json", JsonProblems.Found.VALUE);
        problems.keys(object(problems, "{\n  \"nmae\": 1\n}"), List.of("name", "type"));
        assertThat(problems.list()).extracting(InputProblem::render).containsExactly(
                "f.json:2:3: /nmae: unknown key \"nmae\"; did you mean \"name\"? (allowed keys: name, type)");
    }

    @ParameterizedTest
    @EnumSource(JsonProblems.Found.class)
    void eachWayOfShowingAValueIsTheOneItsFilesPin(JsonProblems.Found found) {
        JsonProblems problems = new JsonProblems("f.json", found);
        Node.ObjectNode obj = object(problems, "{\"a\": 5, \"b\": true, \"c\": \"" + "x".repeat(45) + "\"}");
        String expected = switch (found) {
            case KIND_AND_VALUE -> "integer 5|boolean true|string \"" + "x".repeat(40) + "...\"";
            case VALUE -> "5|true|string \"" + "x".repeat(45) + "\"";
        };
        assertThat(String.join("|", problems.describe(obj.get("a")), problems.describe(obj.get("b")),
                problems.describe(obj.get("c")))).isEqualTo(expected);
        assertThat(problems.string(obj, "a", false)).isNull();
        assertThat(problems.list()).extracting(InputProblem::message)
                .containsExactly("expected a string; found " + problems.describe(obj.get("a")));
    }

    @Test
    void integersOutOfRangeOrOfTheWrongKindKeepTheirDefaultWithOneProblem() {
        JsonProblems problems = new JsonProblems("f.json", JsonProblems.Found.VALUE);
        Node.ObjectNode obj = object(problems, "{\"a\": 0, \"b\": \"7\", \"c\": 7}");
        assertThat(problems.integer(obj, "a", 1, 10, 3)).isEqualTo(3);
        assertThat(problems.integer(obj, "b", 1, 10, 3)).isEqualTo(3);
        assertThat(problems.integer(obj, "c", 1, 10, 3)).isEqualTo(7);
        assertThat(problems.integer(obj, "d", 1, 10, 3)).isEqualTo(3);
        assertThat(problems.list()).extracting(InputProblem::message).containsExactly(
                "a must be an integer from 1 to 10; found 0", "b must be an integer from 1 to 10; found string \"7\"");
    }

    @Test
    void problemsOfThisFileComeFirstThenOtherFilesEachByLineAndColumn() {
        JsonProblems problems = new JsonProblems("b.json", JsonProblems.Found.VALUE);
        problems.problem(3, 1, "/x", "third");
        problems.addAll(List.of(new SchemaProblem("a.json", 1, 1, "", "other")));
        problems.problem(1, 2, "/y", "first");
        assertThat(problems.inFileOrder()).extracting(InputProblem::message).containsExactly("first", "third", "other");
    }

    @Test
    void anUnreadableFileIsOneProblemAtItsStart(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("latin1.json");
        Files.write(file, new byte[] {'{', '"', (byte) 0xE9, '"', ':', '1', '}'});
        JsonProblems problems = new JsonProblems("latin1.json", JsonProblems.Found.VALUE);
        assertThat(problems.readText(file)).isNull();
        assertThat(problems.list()).extracting(InputProblem::render)
                .containsExactly("latin1.json:1:1: /: file is not valid UTF-8: save it as UTF-8");
    }

    @Test
    void aSchemaProblemIsAnInputProblemThatSaysTheSame() {
        InputProblem neutral = new InputProblem("f.json", 2, 3, "/a", "bad");
        SchemaProblem named = SchemaProblem.of(neutral);
        assertThat(named).isEqualTo(neutral).hasSameHashCodeAs(neutral);
        assertThat(named.render()).isEqualTo(neutral.render()).isEqualTo("f.json:2:3: /a: bad");
        assertThat(SchemaProblem.of(named)).isSameAs(named);
    }
}
