package lua

// modscope: limits a host sets on what one VM operation may build (see
// MODSCOPE-PATCH.md, "Containment limits").

// MaxConcatBytes bounds the result of one `..` (OP_CONCAT): a longer one is
// the error "string length overflow", as in Lua, instead of an allocation
// that can take the process down. 0 means no limit.
var MaxConcatBytes = 0
