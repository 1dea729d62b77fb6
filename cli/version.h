#pragma once
#include <stdio.h>

/* "opsdeck 0.1.0" and the versions of the libraries it runs with. */
void version_print(FILE *f);
