{
  "targets": [
    {
      "target_name": "sy_fixture",
      "sources": ["src/fixture.c"],
      "dependencies": ["<!(node -p \"require('switchyard/dist/lib/native-dependency').gyp\")"]
    }
  ]
}
