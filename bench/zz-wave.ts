import { measureLunchWave } from './lunch-wave';
import { Deadline } from './deadline';
measureLunchWave({ subscribers: 60, deadline: new Deadline(250_000) }).then((r) => { console.log(JSON.stringify(r, null, 1)); process.exit(0); }, (e) => { console.log(String(e)); process.exit(1); });
