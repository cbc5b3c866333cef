-- options.lua runs before the files of the mod's code list.
BetterDomesOptions = { extra_capacity = true }
