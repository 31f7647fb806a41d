package io.shmtel.core.placement;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.BitSet;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link CpuList} reads and writes the CPU lists of /sys and /proc, and names what does not parse. */
class PlacementCpuListTest {
    private static BitSet set(String numbers) {
        BitSet set = new BitSet();
        if (!numbers.isEmpty()) {
            List.of(numbers.split(" ")).forEach(n -> set.set(Integer.parseInt(n)));
        }
        return set;
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "2|2|2",
        "2-3,6|2 3 6|2-3,6",
        "3,2,2-3|2 3|2-3",
        "1023|1023|1023",
        "''|''|''",
    })
    void parsesAndFormats(String text, String cpus, String formatted) {
        assertThat(CpuList.parse(text)).isEqualTo(set(cpus));
        assertThat(CpuList.format(set(cpus))).isEqualTo(formatted);
    }

    /** /sys files end in a newline; people write spaces. */
    @Test
    void toleratesSpacesAndTheTrailingNewline() {
        assertThat(CpuList.parse("0-1\n")).isEqualTo(set("0 1"));
        assertThat(CpuList.parse(" 4 , 1- 2 ")).isEqualTo(set("1 2 4"));
    }

    @ParameterizedTest(name = "\"{0}\"")
    @CsvSource(delimiter = '|', value = {
        "a|CPU list \"a\": \"a\" is not a CPU number (expected a list such as 2 or 2-3,6)",
        "2-|CPU list \"2-\": \"\" is not a CPU number (expected a list such as 2 or 2-3,6)",
        "1,,2|CPU list \"1,,2\": \"\" is not a CPU number (expected a list such as 2 or 2-3,6)",
        "-1|CPU list \"-1\": \"\" is not a CPU number (expected a list such as 2 or 2-3,6)",
        "3-1|CPU list \"3-1\": range \"3-1\" runs backwards (write it as 1-3)",
        "1024|CPU list \"1024\": CPU 1024 is beyond the highest CPU number a thread can be placed on (1023)",
        "0-99999999999|CPU list \"0-99999999999\": CPU 99999999999 is beyond the highest CPU number a thread can be"
                + " placed on (1023)",
    })
    void refusesWithTheTextAndThePart(String text, String message) {
        assertThatThrownBy(() -> CpuList.parse(text)).isInstanceOf(PlacementException.class).hasMessage(message);
    }
}
