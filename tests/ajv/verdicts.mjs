// Reads {"schemas": [...documents], "cases": [[schemaId, instance], ...]} on stdin and prints
// a JSON array of booleans: ajv's verdict (Draft 2020-12, formats asserted) for each case.
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";

let input = "";
process.stdin.setEncoding("utf8");
process.stdin.on("data", (chunk) => (input += chunk));
process.stdin.on("end", () => {
  const { schemas, cases } = JSON.parse(input);
  const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: true, loadSchema: undefined });
  addFormats(ajv);
  for (const schema of schemas) ajv.addSchema(schema);
  const out = cases.map(([id, instance]) => {
    const validate = ajv.getSchema(id);
    if (!validate) throw new Error("unknown schema " + id);
    return validate(instance) === true;
  });
  process.stdout.write(JSON.stringify(out));
});
