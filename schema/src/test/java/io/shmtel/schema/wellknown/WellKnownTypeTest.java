package io.shmtel.schema.wellknown;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class WellKnownTypeTest {

    @ParameterizedTest
    @EnumSource(WellKnownType.class)
    void everyTypeIsFoundByItsNameAndHasDistinctKeysOtherThanType(WellKnownType type) {
        assertThat(WellKnownType.byName(type.typeName())).contains(type);
        assertThat(type.shortName()).isNotEmpty().doesNotContain(".").doesNotContain("/");
        Set<String> keys = new HashSet<>();
        for (Slot s : type.slots()) {
            assertThat(keys.add(s.key())).as("%s: key %s twice", type, s.key()).isTrue();
            assertThat(s.key()).isNotEqualTo("type");
            assertThat(s.description()).isNotBlank();
        }
        assertThat(type.slots()).anyMatch(Slot::required);
    }

    @Test
    void namesAreUniqueAndShortNamesTooSoTopicsDoNotCollide() {
        List<String> names = WellKnownType.typeNames();
        assertThat(names).doesNotHaveDuplicates().hasSize(WellKnownType.values().length);
        assertThat(List.of(WellKnownType.values()).stream().map(WellKnownType::shortName).toList())
                .doesNotHaveDuplicates();
        assertThat(WellKnownType.byName("foxglove.FrameTransform")).contains(WellKnownType.FRAME_TRANSFORM);
        assertThat(WellKnownType.byName("foxglove.Frametransform")).isEmpty();
    }

    @ParameterizedTest
    @EnumSource(SlotKind.class)
    void everyKindHasADefaultOrIsAbsentWhenOmittedAndCompositesListTheirMembers(SlotKind kind) {
        Binding d = WellKnownDef.defaultOf(kind);
        switch (kind) {
            case VECTOR3, QUATERNION -> assertThat(((Binding.Vector) d).items()).hasSize(kind.vectorSize());
            case POSE -> {
                assertThat(((Binding.Struct) d).members().keySet()).containsExactly("position", "orientation");
                assertThat(WellKnownType.members(kind)).extracting(Slot::key)
                        .containsExactly("position", "orientation");
            }
            case TRANSFORMS -> {
                assertThat(d).isNull();
                assertThat(WellKnownType.members(kind)).isEqualTo(WellKnownType.FRAME_TRANSFORM.slots());
            }
            case TEXT -> assertThat(d).isEqualTo(new Binding.Text(""));
            case NUMBER, NUMBERS, TEXTS -> assertThat(d).isNull();
        }
    }

    @Test
    void theIdentityQuaternionIsXyzw() {
        assertThat(WellKnownDef.defaultOf(SlotKind.QUATERNION)).isEqualTo(Binding.Vector.of(0, 0, 0, 1));
    }
}
