/* Smoke test of an installed bcsc: the public header is found and the
 * library links and runs. */
#include <bcsc.h>

int main(void) { return bcsc_version() != 0 ? 0 : 1; }
