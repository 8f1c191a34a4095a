/* The XAPI host plugin as a program of its own (xenlab-xapi-plugin); in
 * xenlab-static the same entry is reached through the CLI (xenlab.c). */
#include "xapi.h"

int main(int argc, char **argv)
{
    return xl_xapi_plugin_main(argc, argv);
}
