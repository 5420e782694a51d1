package languagemodel
var sc = Scenario("test")
