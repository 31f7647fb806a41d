package io.shmtel.schema.gen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.shmtel.schema.FieldType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The Java read and store expressions {@link JavaAccess} derives from the field-type table, for every
 * type (GeneratedJavaTest in core compiles and runs them over the all-types example).
 */
class FieldTypeJavaAccessTest {

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void readAndStoreUseTheBufferPrimitive(FieldType t) {
        if (t == FieldType.STRING) {
            assertThatThrownBy(() -> JavaAccess.read(t, "0")).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> JavaAccess.store(t, "0", "v")).isInstanceOf(IllegalStateException.class);
            return;
        }
        String accessor = t.javaBufferType().equals("byte") ? ""
                : Character.toUpperCase(t.javaBufferType().charAt(0)) + t.javaBufferType().substring(1);
        assertThat(JavaAccess.read(t, "at")).startsWith("buffer.get" + accessor + "(at)");
        assertThat(JavaAccess.store(t, "at", "v")).startsWith("target().put" + accessor + "(base + at, ")
                .endsWith(");");
    }

    @ParameterizedTest
    @EnumSource(FieldType.class)
    void unsignedValuesAndOnlyThoseAreMaskedToTheirMaximum(FieldType t) {
        if (!t.isUnsigned()) {
            assertThat(t == FieldType.STRING ? "" : JavaAccess.read(t, "at")).doesNotContain("&");
            return;
        }
        String literal = JavaAccess.maxLiteral(t);
        assertThat(Long.decode(literal.replace("_", "").replace("L", ""))).isEqualTo(t.maxValue());
        assertThat(literal.endsWith("L")).isEqualTo(t.maxValue() > Integer.MAX_VALUE);
        assertThat(JavaAccess.read(t, "at")).endsWith(" & " + literal);
        assertThat(JavaAccess.store(t, "at", "v")).contains("(" + t.javaBufferType() + ") v");
    }
}
