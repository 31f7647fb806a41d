package io.shmtel.sensors.kinematics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The quaternion maths against values worked out by hand. */
class QuaternionsTest {
    private static final double EPS = 1e-12;
    private static final double HALF_SQRT2 = Math.sqrt(0.5);

    private static void assertVector(double[] actual, int at, double... expected) {
        for (int i = 0; i < expected.length; i++) {
            assertThat(actual[at + i]).as("element %d", i).isCloseTo(expected[i], within(EPS));
        }
    }

    @Test
    void ninetyDegreesAboutZIsHalfSqrtTwoInZAndW() {
        double[] q = new double[Quaternions.SIZE];
        Quaternions.axisAngle(0, 0, 1, Math.PI / 2, q, 0);
        assertVector(q, 0, 0, 0, HALF_SQRT2, HALF_SQRT2);
    }

    @Test
    void halfTurnsAboutXAndMinusNinetyAboutYAndZeroAngle() {
        double[] q = new double[3 * Quaternions.SIZE];
        Quaternions.axisAngle(1, 0, 0, Math.PI, q, 0);
        Quaternions.axisAngle(0, 1, 0, -Math.PI / 2, q, Quaternions.SIZE);
        Quaternions.axisAngle(0.6, 0.8, 0, 0, q, 2 * Quaternions.SIZE);
        assertVector(q, 0, 1, 0, 0, 0);
        assertVector(q, Quaternions.SIZE, 0, -HALF_SQRT2, 0, HALF_SQRT2);
        assertVector(q, 2 * Quaternions.SIZE, 0, 0, 0, 1);
    }

    @Test
    void ninetyDegreesAboutZTurnsXIntoYAndYIntoMinusX() {
        double[] q = new double[Quaternions.SIZE];
        Quaternions.axisAngle(0, 0, 1, Math.PI / 2, q, 0);
        double[] v = {1, 0, 0, 0, 1, 0};
        Quaternions.rotate(q, 0, v, 0, v, 0);
        Quaternions.rotate(q, 0, v, Quaternions.VECTOR, v, Quaternions.VECTOR);
        assertVector(v, 0, 0, 1, 0, -1, 0, 0);
    }

    @Test
    void aThirdOfATurnAboutTheDiagonalCyclesTheAxes() {
        double u = 1 / Math.sqrt(3);
        double[] q = new double[Quaternions.SIZE];
        Quaternions.axisAngle(u, u, u, 2 * Math.PI / 3, q, 0);
        assertVector(q, 0, 0.5, 0.5, 0.5, 0.5); // sin(60 deg) / sqrt(3) = 1/2, cos(60 deg) = 1/2
        double[] v = {1, 0, 0};
        Quaternions.rotate(q, 0, v, 0, v, 0);
        assertVector(v, 0, 0, 1, 0);
    }

    @Test
    void theProductAppliesTheRightOperandFirst() {
        double[] z90 = new double[Quaternions.SIZE];
        double[] x90 = new double[Quaternions.SIZE];
        Quaternions.axisAngle(0, 0, 1, Math.PI / 2, z90, 0);
        Quaternions.axisAngle(1, 0, 0, Math.PI / 2, x90, 0);
        double[] zz = new double[Quaternions.SIZE];
        Quaternions.multiply(z90, 0, z90, 0, zz, 0);
        assertVector(zz, 0, 0, 0, 1, 0); // two quarter turns about z: a half turn
        double[] zx = new double[Quaternions.SIZE];
        Quaternions.multiply(z90, 0, x90, 0, zx, 0); // first x90 (y -> z), then z90 (z stays)
        assertVector(zx, 0, 0.5, 0.5, 0.5, 0.5);
        double[] y = {0, 1, 0};
        Quaternions.rotate(zx, 0, y, 0, y, 0);
        assertVector(y, 0, 0, 0, 1);
        Quaternions.multiply(z90, 0, x90, 0, z90, 0); // in place
        assertVector(z90, 0, 0.5, 0.5, 0.5, 0.5);
    }

    @Test
    void normalizeRestoresUnitLengthAndMakesZeroTheIdentity() {
        double[] q = {0, 0, 3, 4, 0, 0, 0, 0};
        Quaternions.normalize(q, 0);
        Quaternions.normalize(q, Quaternions.SIZE);
        assertVector(q, 0, 0, 0, 0.6, 0.8, 0, 0, 0, 1);
    }
}
