//! run: -m1000
//! mutant: FIXED | -m1000 | the assertion holds: as a mutant it must be reported as giving no counterexample
/* The runner's self-test (SpinModelTest): a model whose correct run must FAIL, so that the test
 * shows the runner detects errors. Not in spec/: the build never runs it as a model. */
byte x;

active proctype Setter() {
    x = 1;
    x = 2
}

active proctype Checker() {
#if defined(MUTANT_FIXED)
    assert(x <= 2)
#elif defined(MUTANT_BLOCKS)
    x == 5                      /* waits for ever: an invalid end state */
#elif defined(MUTANT_DEEP)
    do
    :: x < 200 -> x++
    :: else -> break
    od
#else
    assert(x != 1)              /* violated when Checker runs between Setter's two stores */
#endif
}
