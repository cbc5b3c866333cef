-- clean fixture: a second mod, loaded after base, sees base's globals.
doubled = answer * 2
