/* A spec's designs: "matrix" (factors expanded into arms with generated
 * names) and "control" (a container arm's twin in the guest). */
#pragma once

#include <json-c/json.h>
#include <stddef.h>

/* The spec's arms after expansion, a new JSON array of arm objects: the
 * given "arms" (optional with a matrix), then the matrix's combinations in
 * order (the last factor varying fastest), then each control twin. Errors
 * name the JSON path; more than max_arms in all is one. */
int xl_spec_design_arms(json_object *spec, size_t max_arms, json_object **arms_r);
