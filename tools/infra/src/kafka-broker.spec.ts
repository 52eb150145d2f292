import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { KAFKA_VERSION, pomArtifacts } from './kafka-broker';

describe('pomArtifacts', () => {
  it('names the artifacts of the broker pom that the first-run download line prints, versions resolved', () => {
    const pom = readFileSync(join(__dirname, '..', 'kafka', 'pom.xml'), 'utf8');
    expect(pomArtifacts(pom)).toEqual([`org.apache.kafka:kafka_2.13:${KAFKA_VERSION}`, 'org.slf4j:slf4j-reload4j:1.7.36', 'ch.qos.reload4j:reload4j:1.2.25']);
  });

  it('leaves a version property it cannot resolve visible', () => {
    const pom =
      '<project><dependencies><dependency><groupId>g</groupId><artifactId>a</artifactId><version>${missing}</version></dependency></dependencies></project>';
    expect(pomArtifacts(pom)).toEqual(['g:a:${missing}']);
  });
});
