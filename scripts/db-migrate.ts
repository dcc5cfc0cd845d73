// npm run db:migrate: brings the configured database (DATABASE_URL / DATA_DIR) up to date
// without starting the console. The console also does this at every start.
import { protectDataFiles } from "../server/crypto/data-files";
import { migrate } from "../server/db/migrate";

protectDataFiles();
const applied = await migrate();
console.log(applied.length ? `applied: ${applied.join(", ")}` : "database schema is current");
