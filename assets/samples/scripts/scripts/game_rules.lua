-- game_rules.lua — a static script: attached to no entity.
-- Under per_entity_and_script and per_entity it gets a context of its own
-- (rule `script`); under shared it joins everyone; with ["entity", "shared"]
-- it is alone in `shared`, because only it has no entity.
seen = seen or {}
table.insert(seen, "game_rules")

rules = { max_hp = 100, friendly_fire = false }
