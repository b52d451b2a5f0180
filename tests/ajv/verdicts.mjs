// Reads {"schemas": [...bundled documents], "cases": [[schemaId, instance], ...]} on stdin.
// Compiles every schema with ajv in strict mode (Draft 2020-12, ajv-formats, formats asserted)
// and prints {"errors": {schemaId: message of a schema ajv refused}, "verdicts": [boolean, ...]}
// (a case whose schema did not compile gets null). Instances come through JSON.parse, so an
// integer beyond 2^53 reaches ajv rounded to the nearest double: that is JavaScript's limit.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { schemas, cases } = JSON.parse(input);
  const ajv = new Ajv2020({ strict: true, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const compiled = new Map();
  const errors = {};
  for (const schema of schemas) {
    try {
      compiled.set(schema.$id, ajv.compile(schema));
    } catch (error) {
      errors[schema.$id] = String(error.message);
    }
  }
  const verdicts = cases.map(([id, instance]) => {
    const validate = compiled.get(id);
    if (validate === undefined) {
      if (id in errors) return null;
      throw new Error("unknown schema " + id);
    }
    return validate(instance) === true;
  });
  process.stdout.write(JSON.stringify({ errors, verdicts }));
});
