-- crash fixture: tests make the engine die when this file begins
-- (MODSCOPE_ENGINE_TEST_CRASH=HOW:big/server.lua); otherwise it is harmless.
big = 1
