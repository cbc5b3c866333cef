ModLanguage = GetLanguage()
